"""What the access area's people topic adds to the shell (navigation, desk, search, demo, jobs)."""


def register() -> None:
    pass
