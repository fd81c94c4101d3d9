"""Testing models: defects."""

__all__: list[str] = []
