"""Demo data of deliveries and tickets (loaded after the environments, order 110).

Three planned deliveries and a hotfix with about 60 tickets in varied states: some ready for UAT,
some in testing (a few overdue or stalled), passed, failed, with links to test runs and defects.
STAR 2026.12 waits for its go / no-go with every sign-off recorded; SKAIS 2026.12 has an open high
defect and a flag that is off in UAT although its tickets expect it on. Two UAT test accounts are
created in the access area so that the role checks have something to find. Safe to run twice.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Delivery, DeliveryStatus, SignoffKind, Ticket, TicketStatus

REASON = "demo data"

#: (system, version, kind, status, {stage: (planned offset days, deployed?)}, description)
DELIVERIES: list[tuple[str, str, str, str, dict[str, tuple[int, bool]], str]] = [
    (
        "SKAIS",
        "2026.12",
        "planned",
        DeliveryStatus.IN_UAT,
        {"dev": (-30, True), "test": (-18, True), "uat": (-6, True), "prod": (16, False)},
        "Detsembri tarne: 2027. aasta indekseerimine, väljamaksete ajakava uus vaade, "
        "enammaksete e-teavitus.",
    ),
    (
        "SKAIS",
        "2027.01",
        "planned",
        DeliveryStatus.IN_TEST,
        {"dev": (-10, True), "test": (-2, True), "uat": (20, False), "prod": (45, False)},
        "Jaanuari tarne: lapsetoetuse e-teenus, kindlustusosaku ümberarvutus.",
    ),
    (
        "STAR",
        "2026.12",
        "planned",
        DeliveryStatus.IN_UAT,
        {"dev": (-28, True), "test": (-16, True), "uat": (-9, True), "prod": (9, False)},
        "Teenuste kataloog 2027, omavalitsuse aruande uus versioon.",
    ),
    (
        "SKAIS",
        "2026.11.1",
        "hotfix",
        DeliveryStatus.IN_UAT,
        {"test": (-3, True), "uat": (-1, True), "prod": (2, False)},
        "Parandus: väljamaksefaili viitenumber ühe panga puhul vale.",
    ),
]

GOOD = (
    "Kontrolli, et {what}. Samm-sammult:\n"
    "- ava juhtum testkasutajaga\n"
    "- tee muudatus ja salvesta\n"
    "- oodatav tulemus: {result}"
)
SHORT = "Vt arendaja kommentaari."


def _tickets() -> list[tuple[int, str, str, str, dict[str, bool], list[str], str, int, int | None]]:
    skais_dec = [
        (
            "Indekseerimise koefitsient 2027",
            "vanaduspensioni uus summa arvutatakse 2027. aasta indeksiga",
            "summa on indeksiga korrutatud ja ümardatud sendini",
            {"new-indexation-2027": True},
            ["PENS_SPEC"],
        ),
        (
            "Indekseerimise aruanne",
            "indekseerimise aruanne näitab muutust isiku kaupa",
            "aruandes on vana ja uus summa",
            {"new-indexation-2027": True},
            ["PENS_SENIOR"],
        ),
        (
            "Väljamaksete ajakava vaade",
            "väljamaksete ajakava näitab järgmise 3 kuu maksepäevi",
            "maksepäevad langevad kokku kalendriga",
            {"payment-schedule-v2": True},
            ["PAY_VIEWER"],
        ),
        (
            "Maksepäeva nihutamine pühade tõttu",
            "maksepäev nihkub pühade korral eelmisele tööpäevale",
            "24.12 makse tehakse 23.12",
            {"payment-schedule-v2": True},
            ["PAY_CREATE"],
        ),
        (
            "Enammakse e-teavitus",
            "enammakse tekkimisel saadetakse teade e-posti",
            "teade jõuab isikule ühe päeva jooksul",
            {"overpayment-e-notice": True},
            ["OVERPAY_SPEC"],
        ),
        (
            "Enammakse teavituse tekst",
            "teavituse tekst on eesti ja vene keeles",
            "mõlemad tekstid on õiged",
            {"overpayment-e-notice": True},
            [],
        ),
        (
            "Väljamaksete kinnitamise õigus",
            "kinnitaja näeb ainult oma üksuse väljamakseid",
            "võõra üksuse makse ei ole nähtav",
            {},
            ["PAY_APPROVE"],
        ),
        (
            "Pensioni otsuse PDF",
            "otsuse PDF-is on uus indeks",
            "PDF-i summa vastab arvutusele",
            {"new-indexation-2027": True},
            ["PENS_SPEC"],
        ),
    ]
    skais_jan = [
        (
            "Lapsetoetuse taotlusvorm",
            "lapsetoetuse e-taotlus salvestab mustandi",
            "mustand avaneb uuesti",
            {"child-benefit-eservice": True},
            ["FAM_SPEC"],
        ),
        (
            "Lapsetoetuse taotluse kinnitus",
            "esitatud taotlus ilmub menetlusse",
            "taotlus on menetlejal nähtav",
            {"child-benefit-eservice": True},
            ["FAM_SPEC"],
        ),
        (
            "Kindlustusosaku ümberarvutus",
            "kindlustusosak arvutatakse uuesti parandatud andmetega",
            "osak muutub ainult parandatud aastal",
            {"insurance-share-recalc": True},
            ["PENS_SENIOR"],
        ),
        ("Ümberarvutuse logi", "ümberarvutuse logis on põhjus", "logis on kasutaja ja aeg", {}, []),
    ]
    star_dec = [
        (
            "Teenuste kataloog 2027",
            "2027. aasta teenused on kataloogis",
            "vanad teenused on kehtetud 31.12",
            {"service-catalogue-2027": True},
            ["SOCIAL_WORKER"],
        ),
        (
            "Omavalitsuse aruanne v2",
            "aruanne arvestab uut teenuste kataloogi",
            "aruande summad klapivad",
            {"municipal-report-v2": True},
            ["REPORTS"],
        ),
        (
            "Koduteenuse hindamine",
            "koduteenuse hindamise vorm salvestab hinnangu",
            "hinnang on juhtumil nähtav",
            {"home-care-assessment": False},
            ["SOCIAL_WORKER"],
        ),
        ("Juhtumi ajalugu", "juhtumi ajaloos on kõik muudatused", "muudatus on kuupäevaga", {}, ["BASE"]),
    ]
    hotfix: list[tuple[str, str, str, dict[str, bool], list[str]]] = [
        (
            "Viitenumbri kontrollnumber",
            "viitenumbri kontrollnumber arvutatakse 7-3-1 meetodil",
            "pank võtab faili vastu",
            {},
            ["PAY_CREATE"],
        ),
        ("Makse faili kodeering", "makse fail on UTF-8 kodeeringus", "täpitähed on õiged", {}, []),
    ]
    statuses = [
        TicketStatus.PASSED,
        TicketStatus.IN_TESTING,
        TicketStatus.READY_FOR_UAT,
        TicketStatus.IN_TESTING,
        TicketStatus.PASSED,
        TicketStatus.FAILED,
        TicketStatus.DONE,
        TicketStatus.IN_DEVELOPMENT,
    ]
    # (delivery index, title, what, result, flags, roles, status, days since status change, due offset)
    out: list[tuple[int, str, str, str, dict[str, bool], list[str], str, int, int | None]] = []
    plan = [(0, skais_dec, 24), (1, skais_jan, 14), (2, star_dec, 16), (3, hotfix, 6)]
    for index, templates, count in plan:
        for n in range(count):
            title, what, result, flags, roles = templates[n % len(templates)]
            if index == 1:
                status = [TicketStatus.IN_DEVELOPMENT, TicketStatus.NEW, TicketStatus.READY_FOR_UAT][n % 3]
            elif index == 2:
                status = [TicketStatus.PASSED, TicketStatus.ACCEPTED, TicketStatus.DONE, TicketStatus.PASSED][
                    n % 4
                ]
            elif index == 3:
                status = [TicketStatus.IN_TESTING, TicketStatus.PASSED, TicketStatus.READY_FOR_UAT][n % 3]
            else:
                status = statuses[n % len(statuses)]
            stalled = 12 if n % 5 == 1 else (n % 4)
            due = -3 if n % 6 == 3 else 5 + n % 7
            out.append(
                (
                    index,
                    f"{title}{'' if n < len(templates) else f' ({n // len(templates) + 1})'}",
                    what,
                    result,
                    flags,
                    roles,
                    status,
                    stalled,
                    due,
                )
            )
    return out


def _users() -> dict[str, Any]:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["test_manager", "domain_support", "admin", "finance"]
        )
    }
    return users


def _test_accounts(actor: Any, stdout: Any) -> None:
    """UAT test accounts holding a few profiles (SKAIS PAY_APPROVE and STAR REPORTS stay unheld)."""
    from tugi.access import selectors as access
    from tugi.access.services.assignments import assignment_create
    from tugi.access.services.people import account_create

    unit = access.department_for_test_accounts()
    if unit is None:
        return
    today = timezone.localdate()
    wanted = {
        ("uat-skais-1", "SKAIS"): [
            "PENS_SPEC",
            "PENS_SENIOR",
            "PAY_VIEWER",
            "PAY_CREATE",
            "OVERPAY_SPEC",
            "FAM_SPEC",
        ],
        ("uat-star-1", "STAR"): ["SOCIAL_WORKER", "BASE"],
    }
    for (username, system), codes in wanted.items():
        account = access.account_by_username(username)
        if account is None:
            account = account_create(
                actor=actor,
                reason=REASON,
                username=username,
                first_name="UAT",
                last_name=f"Testkasutaja {system}",
                org_unit=unit,
                position="testkasutaja",
            )
        holders = access.test_accounts_holding(
            [p.pk for p in access.profiles_of_system(system).filter(code__in=codes)]
        )
        for profile in access.profiles_of_system(system).filter(code__in=codes):
            if holders.get(profile.pk) or not access.profile_is_active(profile):
                continue
            assignment_create(
                account=account,
                profile=profile,
                valid_from=today - dt.timedelta(days=30),
                valid_to=None,
                justification="UAT testkasutaja",
                requested_by=actor,
                approved_by=actor,
                actor=actor,
                reason=REASON,
            )


def load(actor: Any, stdout: Any) -> None:
    from .services import deliveries as ds
    from .services import tickets as ts
    from .services.go import go_decide
    from .services.uat import uat_check_run

    if Delivery.objects.filter(system="SKAIS", version="2026.12").exists():
        stdout.write("delivery: deliveries exist already\n")
        return
    today = timezone.localdate()
    try:
        _test_accounts(actor, stdout)
    except Exception as exc:
        stdout.write(f"delivery: UAT test accounts not created ({exc})\n")
    from tugi.work.selectors import partners

    party = partners(user=actor).order_by("pk").first()
    deliveries = []
    for system, version, kind, status, dates, description in DELIVERIES:
        delivery = ds.delivery_create(
            system=system,
            version=version,
            kind=kind,
            description=description,
            ordering_party=party,
            rollback_plan=""
            if version == "2027.01"
            else "Eelmise versiooni konteinerid jäävad 14 päevaks alles; "
            "tagasipööramine: runbook „Tarne tagasipööramine“.",
            actor=actor,
            reason=REASON,
        )
        for stage, (offset, deployed) in dates.items():
            day = today + dt.timedelta(days=offset)
            ds.delivery_schedule_set(
                delivery=delivery,
                stage=stage,
                planned_date=day,
                actual_date=day if deployed else None,
                actor=actor,
                reason=REASON,
                notify_topic=False,
            )
        path: list[str] = [DeliveryStatus.IN_TEST, DeliveryStatus.IN_UAT]
        for step in path[: path.index(status) + 1] if status in path else []:
            ds.delivery_set_status(delivery=delivery, status=step, actor=actor, reason=REASON)
        deliveries.append(delivery)

    users = _users()
    testers = [u for u in (users.get("test_manager"), users.get("domain_support")) if u]
    rows = []
    numbers = {"SKAIS": 4100, "STAR": 2300}
    specs = _tickets()
    from tugi.access.selectors import profiles_of_system

    known_roles = {s: set(profiles_of_system(s).values_list("code", flat=True)) for s in ("SKAIS", "STAR")}
    for i, (index, title, what, result, flags, roles, status, _stalled, due) in enumerate(specs):
        delivery = deliveries[index]
        numbers[delivery.system] += 1
        description = SHORT if i % 11 == 4 else GOOD.format(what=what, result=result)
        tester = (
            testers[i % len(testers)].username
            if testers
            and status
            in (
                TicketStatus.IN_TESTING,
                TicketStatus.PASSED,
                TicketStatus.FAILED,
                TicketStatus.ACCEPTED,
                TicketStatus.DONE,
            )
            else None
        )
        rows.append(
            {
                "Issue key": f"{delivery.system}-{numbers[delivery.system]}",
                "Summary": title,
                "Issue Type": "Bug" if delivery.kind == "hotfix" else ("Story" if i % 3 else "Task"),
                "Status": status,
                "Fix Version/s": delivery.version,
                "Custom field (Tester)": tester,
                "Due Date": (today + dt.timedelta(days=due)).isoformat() if due is not None else None,
                "Custom field (Feature flags)": ", ".join(
                    f"{k}={'on' if v else 'off'}" for k, v in flags.items()
                ),
                "Custom field (Required roles)": ", ".join(
                    r for r in roles if r in known_roles[delivery.system]
                ),
                "Custom field (Business description)": description,
            }
        )
    summary = ts.tickets_import(content=json.dumps(rows).encode(), fmt="json", actor=actor, reason=REASON)
    now = timezone.now()
    # Demo history: when each ticket entered its status (the import stamps "now").
    for (_i, _t, _w, _r, _f, _ro, _s, stalled, _d), row in zip(specs, rows, strict=True):
        Ticket.objects.filter(key=row["Issue key"]).update(
            status_changed_at=now - dt.timedelta(days=stalled), routed_at=now - dt.timedelta(days=stalled)
        )
    # UAT checks of the tickets ready for UAT in the SKAIS December delivery and the hotfix.
    for ticket in Ticket.objects.filter(
        status=TicketStatus.READY_FOR_UAT, delivery__in=[deliveries[0], deliveries[3]]
    ).order_by("key")[:6]:
        uat_check_run(ticket=ticket, actor=actor, reason=REASON)
    # Test runs and defects.
    skais_dec = list(Ticket.objects.filter(delivery=deliveries[0]).order_by("key"))
    for ticket in [t for t in skais_dec if t.status == TicketStatus.PASSED][:4]:
        ts.ticket_link_add(
            ticket=ticket,
            kind="test_run",
            title=f"UAT run {ticket.key}",
            url="",
            passed=True,
            actor=actor,
            reason=REASON,
        )
    failed = [t for t in skais_dec if t.status == TicketStatus.FAILED]
    if failed:
        ts.ticket_link_add(
            ticket=failed[0],
            kind="defect",
            title="Indeks ümardatakse valesti (0,5 senti)",
            severity="high",
            is_open=True,
            actor=actor,
            reason=REASON,
        )
        ts.ticket_link_add(
            ticket=failed[0],
            kind="defect",
            title="Aruande veerg puudub",
            severity="critical",
            is_open=False,
            actor=actor,
            reason=REASON,
        )
    star = deliveries[2]
    for ticket in Ticket.objects.filter(delivery=star).order_by("key")[:3]:
        ts.ticket_link_add(
            ticket=ticket,
            kind="test_run",
            title=f"Regressioon {ticket.key}",
            passed=True,
            actor=actor,
            reason=REASON,
        )
    ds.signoff_record(
        delivery=star,
        kind=SignoffKind.REGRESSION,
        signed_by="Testi Juht",
        evidence_url="https://testid.example.ee/runs/star-2026-12",
        note="312/312 automaattesti läbitud",
        actor=actor,
        reason=REASON,
    )
    ds.signoff_record(
        delivery=star,
        kind=SignoffKind.UAT,
        signed_by="STAR tooteomanik (TEHIK)",
        note="Kinnitatud koosolekul",
        actor=actor,
        reason=REASON,
    )
    # An earlier Defer of the SKAIS December delivery.
    try:
        go_decide(
            delivery=deliveries[0],
            decision="defer",
            note="Oota indeksi ümardamise parandust.",
            actor=actor,
            reason=REASON,
        )
    except Exception as exc:
        stdout.write(f"delivery: demo decision skipped ({exc})\n")
    stdout.write(
        f"delivery: {len(deliveries)} deliveries, {len(summary['created'])} tickets; "
        f"STAR {star.version} waits for its go / no-go\n"
    )
