"""Demo development requests in every state (with analytic input and sign-offs), improvement
proposals (one turned into a request) and tasks (one overdue). Runs after the access, classifiers
and delivery demo data, whose attributes, rights and deliveries the requests refer to. Safe to run
twice: whatever exists (by title) is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from tugi.access import selectors as access_selectors
from tugi.classifiers import selectors as classifier_selectors
from tugi.delivery import selectors as delivery_selectors

from .models import DevelopmentRequest, ImprovementProposal, RequestStatus, Task
from .services import proposals as proposal_services
from .services import requests as request_services
from .services import tasks as task_services

REASON = "demo data"

#: (title, target state, system, background, goal, acceptance criteria, input on a section)
REQUESTS: list[tuple[str, str, str, str, str, str, tuple[str, str]]] = [
    (
        "Vanaduspensioni indekseerimine 2027",
        RequestStatus.DRAFT,
        "SKAIS",
        "Pensionid indekseeritakse igal aastal 1. aprillil; indeks tuleb rakendada kõigile pensionidele.",
        "SKAIS arvutab 1. aprilliks kõigi pensionide uued summad uue indeksiga ja koostab otsused.",
        "Iga pensioni uus summa = vana summa × indeks, ümardatud sendini; otsuses on uus summa.",
        ("business_rules", "Arvesta, et rahvapensioni määr muutub samal päeval."),
    ),
    (
        "Hooldajatoetuse taotluse uus väli",
        RequestStatus.IN_REVIEW,
        "STAR",
        "Omavalitsused vajavad taotlusel hooldatava puude raskusastet.",
        "STAR-i hooldajatoetuse taotlusel on puude raskusastme väli klassifikaatorist.",
        "Väli on kohustuslik; väärtus tuleb klassifikaatorist; aruandes on uus veerg.",
        ("data", "Klassifikaatori väärtused on STAR-is juba olemas, uut ei ole vaja."),
    ),
    (
        "Toitjakaotuspensioni lapse vanuse kontroll",
        RequestStatus.SUBMITTED,
        "SKAIS",
        "Pension makstakse lapsele kuni 18-aastaseks (õppijale 24) saamiseni; kontroll on käsitsi.",
        "SKAIS peatab makse automaatselt kuu lõpus, kui laps ei vasta enam tingimustele.",
        "Peatamine toimub automaatselt; menetleja saab teavituse; otsus koostatakse.",
        ("test_scenarios", "Lisa juhtum, kus õppimise tõend saabub hiljem."),
    ),
    (
        "Väljamaksefaili kontrollsumma",
        RequestStatus.ESTIMATED,
        "SKAIS",
        "Panga tagastatud faili kontrollsumma ei klapi mõnikord, põhjus tuleb käsitsi leida.",
        "SKAIS kontrollib pain.001 faili kontrollsumma enne saatmist.",
        "Vale summaga faili ei saadeta; kasutaja näeb viga.",
        ("goal", "Sama kontroll oleks vaja ka tagasimaksete failil."),
    ),
    (
        "Sotsiaalteenuste aruande kiirendamine",
        RequestStatus.IN_DEVELOPMENT,
        "STAR",
        "Omavalitsuste kvartaliaruanne töötab üle tunni.",
        "Aruanne valmib alla viie minuti.",
        "Aruande tulemused on samad; aeg alla viie minuti 300 omavalitsuse andmetel.",
        ("background", "Aeglane päring on teenuste ja isikute ühendamisel."),
    ),
    (
        "Töövõimetoetuse otsuse uus mall",
        RequestStatus.DELIVERED,
        "SKAIS",
        "Otsuse mall ei vasta uuele vormistusjuhisele.",
        "Otsus koostatakse uue malliga.",
        "Kõik otsuse liigid kasutavad uut malli; vanad otsused jäävad muutmata.",
        ("acceptance_criteria", "Kontrolli ka ingliskeelset otsust."),
    ),
    (
        "Kasutajaõiguste rolli nimetuse muutus",
        RequestStatus.VERIFIED,
        "STAR",
        "Rolli nimetus ei vasta ametijuhendile.",
        "Roll kannab uut nimetust kõigis vaadetes.",
        "Uus nimetus on kasutajahalduses ja aruannetes.",
        ("rights", "Profiilide nimed muudame Tugis pärast tarnet."),
    ),
    (
        "Eelmise aasta indeksi parandus",
        RequestStatus.CLOSED,
        "SKAIS",
        "Indeksi ümardamine andis mõnel juhul sendi vahe.",
        "Ümardamine on seadusega kooskõlas.",
        "Kõigi pensionide ümardus on ROUND_HALF_UP sendini.",
        ("legal_basis", "RPKS § 26 lõige 3."),
    ),
    (
        "Paberotsuste postitamine",
        RequestStatus.REJECTED,
        "SKAIS",
        "Osa isikutest soovib otsust paberil.",
        "SKAIS saadab paberotsuse postiga.",
        "Otsus jõuab postiga viie päevaga.",
        ("goal", "Riigiportaali teavitus katab vajaduse."),
    ),
]

ORDER: list[str] = [
    RequestStatus.DRAFT,
    RequestStatus.IN_REVIEW,
    RequestStatus.SUBMITTED,
    RequestStatus.ESTIMATED,
    RequestStatus.IN_DEVELOPMENT,
    RequestStatus.DELIVERED,
    RequestStatus.VERIFIED,
    RequestStatus.CLOSED,
]


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _advance(req: DevelopmentRequest, target: str, author: Any, reviewer: Any, delivery: Any) -> None:
    """Walk ``req`` through the lifecycle up to ``target`` (rejected: reject after the review)."""
    stop = RequestStatus.IN_REVIEW if target == RequestStatus.REJECTED else target
    for state in ORDER[1 : ORDER.index(stop) + 1]:
        if state == RequestStatus.SUBMITTED:
            request_services.request_sign_off(request=req, actor=reviewer, note="Analüüs on piisav.")
        data: dict[str, Any] = {}
        if state == RequestStatus.ESTIMATED:
            data = {"estimate_days": "15", "estimate_note": "Arendaja hinnang koos testimisega."}
        if state == RequestStatus.DELIVERED:
            if delivery is None:
                return
            request_services.request_link_delivery(
                request=req, delivery=delivery, actor=author, reason=REASON
            )
        req = request_services.request_move(request=req, to=state, actor=author, reason=REASON, **data)
    if target == RequestStatus.REJECTED:
        request_services.request_move(
            request=req,
            to=RequestStatus.REJECTED,
            actor=author,
            reason="Riigiportaali teavitus katab vajaduse.",
        )


def load_demo_requests(actor: Any, stdout: Any) -> None:
    author, reviewer = _user("domain_support"), _user("test_manager")
    manager = _user("admin") or actor
    if author is None or reviewer is None:
        stdout.write(
            "  development requests: skipped (the demo users domain_support and test_manager are missing)\n"
        )
        return
    attributes = list(classifier_selectors.attributes_for_choice()[:40])
    rights = list(access_selectors.rights_for_choice()[:40])
    deliveries = list(delivery_selectors.deliveries_for_choice(actor)[:3])
    delivery = deliveries[0] if deliveries else None
    made = 0
    for i, (title, target, system, background, goal, criteria, (section, note)) in enumerate(REQUESTS):
        if DevelopmentRequest.objects.filter(title=title).exists():
            continue
        picked_attributes = [a for a in attributes if a.entity.system.code == system][i % 3 : i % 3 + 2]
        picked_rights = [r for r in rights if r.system.code == system][i % 4 : i % 4 + 2]
        req = request_services.request_create(
            actor=author,
            reason=REASON,
            title=title,
            system=system,
            background=background,
            goal=goal,
            acceptance_criteria=criteria,
            business_rules="Muudatus kehtib alates tarne päevast; varasemaid otsuseid ei muudeta.",
            test_scenarios="1. Tavajuhtum.\n2. Piirjuhtum.\n3. Vigane sisend.",
            priority=("high", "normal", "low")[i % 3],
            desired_date=timezone.localdate() + dt.timedelta(days=30 + 15 * i),
            legal_basis="Riikliku pensionikindlustuse seadus"
            if system == "SKAIS"
            else "Sotsiaalhoolekande seadus",
            attributes=picked_attributes,
            rights=picked_rights,
            reviewers=[reviewer],
        )
        request_services.request_comment_add(request=req, section=section, text=note, actor=reviewer)
        _advance(req, target, author, reviewer, delivery)
        made += 1
    made_proposals = _proposals(author, manager)
    made_tasks = _tasks(author, reviewer)
    stdout.write(
        f"  development requests created: {made}, proposals: {made_proposals}, tasks: {made_tasks}\n"
    )


def _proposals(author: Any, manager: Any) -> int:
    specs = [
        (
            "Kinnitajate meeldetuletused",
            "Kasutajaõiguste taotlused ootavad kinnitajat nädalaid.",
            "Tugi saadab kinnitajale meeldetuletuse kolme päeva pärast.",
            "Taotlused lahenevad nädalaga.",
            None,
        ),
        (
            "Klassifikaatorite muutuste kokkuvõte arendajale",
            "Arendaja ei tea, millised klassifikaatorid muutusid.",
            "Iga tarne eel koostatakse muutuste kokkuvõte.",
            "Vähem vigu tarnes.",
            ("accepted", "Hea mõte; teeme lähteülesande."),
        ),
        (
            "Testimise juhendi ülevaatus kaks korda aastas",
            "Juhend vananeb kiiresti.",
            "Vaatame juhendi üle iga poole aasta järel.",
            "Juhend on ajakohane.",
            ("postponed", "Otsustame pärast suvist tarnet."),
        ),
    ]
    made = 0
    for title, problem, proposal_text, benefit, decision in specs:
        if ImprovementProposal.objects.filter(title=title).exists():
            continue
        proposal = proposal_services.proposal_create(
            actor=author,
            reason=REASON,
            title=title,
            problem=problem,
            proposal=proposal_text,
            expected_benefit=benefit,
            decider=manager,
        )
        if decision is not None and manager.has_perm("work.change_improvementproposal"):
            proposal_services.proposal_decide(
                proposal=proposal, decision=decision[0], actor=manager, reason=decision[1]
            )
            if decision[0] == "accepted":
                proposal.refresh_from_db()
                proposal_services.proposal_to_request(
                    proposal=proposal, actor=author, system="SKAIS", reason=REASON
                )
        made += 1
    return made


def _tasks(manager: Any, assignee: Any) -> int:
    today = timezone.localdate()
    specs = [
        ("Koosta indekseerimise testiplaan", today + dt.timedelta(days=10), None),
        ("Vaata üle STAR-i profiilide kirjeldused", today + dt.timedelta(days=1), -4),
        ("Uuenda partnerite kontaktid", today + dt.timedelta(days=5), None),
    ]
    made = 0
    for title, due, overdue_by in specs:
        if Task.objects.filter(title=title).exists():
            continue
        task = task_services.task_create(
            actor=manager, reason=REASON, title=title, assignee=assignee, due_on=due, description=""
        )
        if overdue_by is not None:
            task_services.task_update(
                task=task, actor=manager, due_on=today + dt.timedelta(days=overdue_by), reason=REASON
            )
        made += 1
    return made
