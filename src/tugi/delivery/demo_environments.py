"""Demo data of environments, flags and clones, and the simulated service the demo runs.

Both systems get four environments (dev, test, UAT, production) whose health and version URLs
point at the simulator (``tugi.delivery.simulator``) on ``TUGI_SIMULATOR_PORT`` (8765). Flags get
states that differ between environments; one SKAIS flag is off in UAT although the tickets of the
coming delivery expect it on, so the UAT check has something to find. A clone of both UAT
environments is planned for next week; the previous one is done with part of its follow-up open.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tugi.core.audit import audit_record

from .audit_events_environments import EnvironmentEvent
from .models import ClonePlan, ClonePlanEnvironment, CloneStatus, CloneTask, CloneTaskKind, Environment
from .services.clones import FOLLOW_UP, clone_plan_create
from .services.environments import environment_create
from .services.flags import flag_create, flag_state_set
from .simulator import DEFAULT_PORT, Simulator

REASON = "demo data"

KINDS = [("dev", "arendus"), ("test", "test"), ("uat", "eeltoodang"), ("prod", "toodang")]

#: (system, key, description, state per kind dev/test/uat/prod: True on, False off, None not set, str value)
DEMO_FLAGS: list[tuple[str, str, str, tuple[Any, Any, Any, Any]]] = [
    (
        "SKAIS",
        "new-indexation-2027",
        "Pensionide indekseerimise uus arvutus (2027. aasta indeks).",
        (True, True, False, False),
    ),
    ("SKAIS", "payment-schedule-v2", "Väljamaksete ajakava uus vaade.", (True, True, True, False)),
    ("SKAIS", "overpayment-e-notice", "Enammakse teade e-kanalisse.", (True, True, True, True)),
    ("SKAIS", "child-benefit-eservice", "Lapsetoetuse e-teenuse uus taotlusvorm.", (True, False, None, None)),
    (
        "SKAIS",
        "insurance-share-recalc",
        "Kindlustusosaku ümberarvutus massarvutuses.",
        (True, True, True, False),
    ),
    (
        "SKAIS",
        "banner-text",
        "Keskkonna bänneri tekst.",
        ("Arenduskeskkond", "Testkeskkond", "Eeltoodang", None),
    ),
    ("STAR", "case-mobile-view", "Juhtumi vaade mobiilis.", (True, True, False, False)),
    ("STAR", "service-catalogue-2027", "Teenuste kataloog 2027.", (True, True, True, False)),
    ("STAR", "home-care-assessment", "Koduteenuse hindamise uus vorm.", (True, False, False, False)),
    ("STAR", "municipal-report-v2", "Omavalitsuse aruande uus versioon.", (True, True, True, True)),
]


def simulator_port() -> int:
    return int(os.environ.get("TUGI_SIMULATOR_PORT", DEFAULT_PORT))


def _base() -> str:
    return f"http://127.0.0.1:{simulator_port()}"


def _owner() -> Any:
    return get_user_model().objects.filter(username="test_manager").first()


def load(actor: Any, stdout: Any) -> None:
    envs = _environments(actor)
    made = _flags(actor, envs)
    clones = _clones(actor, envs)
    stdout.write(f"  delivery: {len(envs)} environments, {made} flags created, {clones} clones created\n")


def _environments(actor: Any) -> dict[str, Environment]:
    owner = _owner()
    today = timezone.localdate()
    envs: dict[str, Environment] = {}
    for system in ("SKAIS", "STAR"):
        for kind, label in KINDS:
            name = f"{system.lower()}-{kind}"
            env = Environment.objects.filter(system=system, name=name).first()
            if env is None:
                env = environment_create(
                    system=system,
                    kind=kind,
                    name=name,
                    url=f"https://{name}.tugi.example.com/",
                    health_url=f"{_base()}/{name}/health",
                    version_url=f"{_base()}/{name}/version",
                    owner=owner,
                    last_clone_date=today - dt.timedelta(days=20 if system == "SKAIS" else 41)
                    if kind == "uat"
                    else None,
                    notes=f"{system} {label}keskkond (demo, simulated)",
                    actor=actor,
                    reason=REASON,
                )
            envs[name] = env
    return envs


def _flags(actor: Any, envs: dict[str, Environment]) -> int:
    from .models import FeatureFlag

    made = 0
    for system, key, description, states in DEMO_FLAGS:
        flag = FeatureFlag.objects.filter(system=system, key=key).first()
        if flag is not None:
            continue
        flag = flag_create(system=system, key=key, description=description, actor=actor, reason=REASON)
        made += 1
        for (kind, _label), state in zip(KINDS, states, strict=True):
            if state is None:
                continue
            env = envs[f"{system.lower()}-{kind}"]
            if isinstance(state, str):
                flag_state_set(
                    flag=flag, environment=env, enabled=True, variant=state, actor=actor, reason=REASON
                )
            else:
                flag_state_set(flag=flag, environment=env, enabled=state, actor=actor, reason=REASON)
    return made


def _clones(actor: Any, envs: dict[str, Environment]) -> int:
    if ClonePlan.objects.exists():
        return 0
    from tugi.work import selectors as work

    today = timezone.localdate()
    next_week = today + dt.timedelta(days=7 - today.weekday() + 1)  # Tuesday next week
    partners = list(work.partners(user=actor).order_by("name")[:2])
    clone_plan_create(
        date=next_week,
        window_start=dt.time(17, 0),
        window_end=dt.time(21, 0),
        systems=["SKAIS", "STAR"],
        targets=[envs["skais-uat"], envs["star-uat"]],
        affected_partners=partners,
        affected_parties="SKAIS ja STAR testijad; automaattestide meeskond",
        notice_days=5,
        notes="Kvartali kloon enne jaanuari tarnet.",
        actor=actor,
        reason=REASON,
    )
    _past_clone(actor, envs, today - dt.timedelta(days=20))
    return 2


@transaction.atomic
def _past_clone(actor: Any, envs: dict[str, Environment], day: dt.date) -> None:
    """The previous SKAIS clone, done, with half of its follow-up still open (history as data)."""
    done_at = timezone.make_aware(dt.datetime.combine(day, dt.time(21, 0)))
    clone = ClonePlan.objects.create(
        date=day,
        window_start=dt.time(17, 0),
        window_end=dt.time(21, 0),
        systems=["SKAIS"],
        status=CloneStatus.DONE,
        notice_days=5,
        notice_sent_at=done_at - dt.timedelta(days=5),
        done_at=done_at,
        completion_notice_sent_at=done_at,
        affected_parties="SKAIS testijad",
    )
    ClonePlanEnvironment.objects.create(clone=clone, target=envs["skais-uat"], source=envs["skais-prod"])
    owner = _owner() or actor
    for i, (kind, days) in enumerate(FOLLOW_UP):
        CloneTask.objects.create(
            clone=clone,
            kind=kind,
            title=str(CloneTaskKind(kind).label),
            owner=owner,
            due_date=day + dt.timedelta(days=days),
            done_at=done_at + dt.timedelta(days=1) if i < 2 else None,
            done_by=owner if i < 2 else None,
        )
    audit_record(
        event=EnvironmentEvent.CLONE_DONE, actor=actor, obj=clone, after={"status": "done"}, reason=REASON
    )


def start_simulator(stdout: Any) -> Any:
    """Start the simulated service for the demo environments (the ``tugi demo`` hook): each
    answers healthy with the version its expected delivery names, except star-dev (down) and
    skais-test (still on an older version)."""
    from .selectors_environments import delivery_expected_in

    try:
        sim = Simulator.start(port=simulator_port())
    except OSError as exc:
        stdout.write(f"Simulated environments not started (port {simulator_port()}: {exc}).\n")
        return lambda: None
    for env in Environment.objects.filter(health_url__startswith=_base()):
        expected = delivery_expected_in(env)
        version = getattr(expected, "version", "") or "1.0.0"
        if env.name == "skais-test":
            version = f"{version}-rc0"
        sim.set(env.name, version=version, healthy=env.name != "star-dev")
    stdout.write(f"Simulated environments answer on {sim.base_url}/<environment>/health and /version.\n")
    return sim.stop
