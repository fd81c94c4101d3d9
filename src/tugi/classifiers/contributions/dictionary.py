"""What the classifiers area's dictionary topic adds to the shell."""


def register() -> None:
    pass
