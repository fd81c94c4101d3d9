"""Testing models: runs."""

__all__: list[str] = []
