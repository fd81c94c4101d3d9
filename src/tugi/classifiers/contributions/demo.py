"""What the classifiers area's demo topic adds to the shell."""


def register() -> None:
    pass
