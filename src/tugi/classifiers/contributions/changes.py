"""What the classifiers area's changes topic adds to the shell."""


def register() -> None:
    pass
