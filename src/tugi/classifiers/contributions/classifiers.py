"""What the classifiers area's classifiers topic adds to the shell."""


def register() -> None:
    pass
