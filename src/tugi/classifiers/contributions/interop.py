"""What the classifiers area's interop topic adds to the shell."""


def register() -> None:
    pass
