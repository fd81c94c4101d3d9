"""Testing models: reports."""

__all__: list[str] = []
