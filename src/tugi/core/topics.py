"""The notification topics every installation has (migration 0002 creates them; after each
migrate or test-database flush this puts back any that are missing)."""

from __future__ import annotations

from typing import Any

STANDARD_TOPICS = [
    ("delivery-schedule", "Tarnete ajakava", "Planned and hot-fix deliveries and changes to their schedule."),
    (
        "clone-notice",
        "Eeltoodangu kloonimine",
        "Planned clones of the pre-production environment and follow-up.",
    ),
    ("mass-calculation", "Pensionikindlustuse massarvutus", "Progress of the yearly mass calculation."),
    ("classifier-published", "Klassifikaatori uus versioon", "A classifier version was published."),
    (
        "weekly-ticket-review",
        "Testimise nädalaülevaade",
        "Every Monday: tickets overdue or stalled in testing.",
    ),
    (
        "testing-assignments",
        "Testimisele suunatud piletid",
        "Tickets routed to a tester after the UAT check.",
    ),
]


def ensure_standard_topics(sender: Any = None, **kwargs: Any) -> None:
    from .models import Topic

    using = kwargs.get("using", "default")
    for code, name, description in STANDARD_TOPICS:
        Topic.objects.using(using).get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
