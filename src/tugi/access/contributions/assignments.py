"""What the access area's assignments topic adds to the shell (navigation, desk, search, demo, jobs)."""


def register() -> None:
    pass
