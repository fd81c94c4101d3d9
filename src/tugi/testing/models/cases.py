"""Testing models: cases."""

__all__: list[str] = []
