"""What the access area's catalogue topic adds to the shell (navigation, desk, search, demo, jobs)."""


def register() -> None:
    pass
