"""Demo partners, contacts, subscriptions and guides (invented contact people, example.com addresses)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from tugi.core.models import Topic

from . import services
from .models import Area, Contact, Guide, GuideKind, Partner, PartnerKind

PARTNERS: list[tuple[str, str, PartnerKind, list[tuple[str, str, list[str]]]]] = [
    (
        "Tervise ja Heaolu Infosüsteemide Keskus",
        "TEHIK",
        PartnerKind.DEVELOPER,
        [
            (
                "Kaarel Kuusk",
                "SKAIS development lead",
                ["delivery-schedule", "clone-notice", "classifier-published"],
            ),
            ("Liina Mets", "STAR product owner", ["delivery-schedule", "classifier-published"]),
            ("Oskar Vaher", "environments and cloning", ["clone-notice"]),
        ],
    ),
    (
        "Maksu- ja Tolliamet",
        "MTA",
        PartnerKind.AUTHORITY,
        [("Helen Sepp", "social tax data exchange", ["mass-calculation"])],
    ),
    (
        "Pensionikeskus",
        "Pensionikeskus",
        PartnerKind.REGISTRY,
        [("Rasmus Laur", "funded pension register", ["mass-calculation"])],
    ),
    (
        "Rahandusministeerium",
        "RaM",
        PartnerKind.AUTHORITY,
        [("Epp Kaasik", "pension index forecast", ["mass-calculation"])],
    ),
    ("Swedbank AS", "Swedbank", PartnerKind.BANK, [("Marko Oja", "corporate payments", [])]),
    ("AS SEB Pank", "SEB", PartnerKind.BANK, [("Kristi Jõgi", "payment files", [])]),
    ("AS LHV Pank", "LHV", PartnerKind.BANK, [("Taavi Uibo", "API payments", [])]),
    (
        "Tallinna Linnavalitsus",
        "Tallinn",
        PartnerKind.MUNICIPALITY,
        [("Signe Männik", "STAR user administrator", ["classifier-published"])],
    ),
    (
        "Tartu Linnavalitsus",
        "Tartu",
        PartnerKind.MUNICIPALITY,
        [("Janek Sild", "STAR user administrator", ["classifier-published"])],
    ),
    ("Rae Vallavalitsus", "Rae vald", PartnerKind.MUNICIPALITY, [("Piret Org", "social work lead", [])]),
]

GUIDES: list[tuple[str, str, GuideKind, Area, int, int, str]] = [
    (
        "kasutajaoiguste-taotlemine",
        "Kasutajaõiguste taotlemine STAR-is ja SKAIS-is",
        GuideKind.PROCESS,
        Area.ACCESS,
        365,
        400,
        "## Eesmärk\n\nKuidas taotleda, kinnitada ja lõpetada STAR-i ja SKAIS-i kasutajaõigusi.\n\n"
        "1. Taotleja esitab taotluse Tugis.\n2. Kinnitaja kontrollib kohustuste lahusust.\n"
        "3. Valdkonna tugi annab õigused ja teavitab kasutajat.\n",
    ),
    (
        "klassifikaatori-muutmine",
        "Klassifikaatori muutmise protsess",
        GuideKind.PROCESS,
        Area.CLASSIFIERS,
        365,
        30,
        "## Samm-sammult\n\n| samm | kes |\n|---|---|\n| muudatustaotlus | valdkonna tugi |\n"
        "| kinnitamine | klassifikaatori omanik |\n| avaldamine | valdkonna tugi |\n",
    ),
    (
        "testimise-juhend",
        "Testimise juhend",
        GuideKind.GUIDE,
        Area.TESTING,
        180,
        200,
        "## Testimise põhimõtted\n\n- Iga tarne testitakse UAT keskkonnas.\n- Vead registreeritakse kohe.\n",
    ),
    (
        "tugi-kasutamine",
        "Tugi kasutamise juhend",
        GuideKind.GUIDE,
        Area.GENERAL,
        365,
        10,
        "# Tugi\n\nAvalehel **Minu töölaud** on kõik, mis ootab sinu tegevust.\n",
    ),
]


def _email(name: str, org: str) -> str:
    local = name.lower().replace(" ", ".")
    for a, b in (("õ", "o"), ("ä", "a"), ("ö", "o"), ("ü", "u"), ("š", "s"), ("ž", "z")):
        local = local.replace(a, b)
    domain = org.lower().replace(" ", "-").replace("ä", "a")
    return f"{local}@{domain}.example.com"


def load_demo(actor: Any, stdout: Any) -> None:
    topics = {t.code: t for t in Topic.objects.all()}
    created = 0
    for name, short, kind, people in PARTNERS:
        partner = Partner.objects.filter(name=name).first() or services.partner_create(
            actor=actor, name=name, short_name=short, kind=kind, reason="demo data"
        )
        for person, role, topic_codes in people:
            email = _email(person, short)
            contact = Contact.objects.filter(partner=partner, email=email).first()
            if contact is None:
                contact = services.contact_create(
                    partner=partner, actor=actor, name=person, role=role, email=email, reason="demo data"
                )
                created += 1
            for code in topic_codes:
                if code in topics:
                    services.contact_subscribe(
                        contact=contact, topic=topics[code], actor=actor, reason="demo data"
                    )
    user_model = get_user_model()
    owner = user_model.objects.filter(username="domain_support").first() or actor
    tester = user_model.objects.filter(username="test_manager").first() or owner
    for slug, title, guide_kind, area, interval, age, body in GUIDES:
        if Guide.objects.filter(slug=slug).exists():
            continue
        services.guide_create(
            actor=actor,
            slug=slug,
            title=title,
            kind=guide_kind,
            area=area,
            body=body,
            owner=tester if area == Area.TESTING else owner,
            review_interval_days=interval,
            last_reviewed_on=dt.date.today() - dt.timedelta(days=age),
            reason="demo data",
        )
    stdout.write(
        f"  partners: {Partner.objects.count()}, contacts created: {created}, "
        f"guides: {Guide.objects.count()}\n"
    )
