"""What the access area's explain topic adds to the shell (navigation, desk, search, demo, jobs)."""


def register() -> None:
    pass
