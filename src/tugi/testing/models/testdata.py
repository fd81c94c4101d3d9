"""Testing models: testdata."""

__all__: list[str] = []
