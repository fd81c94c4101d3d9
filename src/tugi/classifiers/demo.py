"""Demo data of the classifiers area: about 30 classifiers of SKAIS and STAR and shared ones, the
Estonian administrative units (EHAK, a synthetic subset) in two versions around the 2017 reform
with a correspondence table, consuming systems with their contacts, a pending change request and a
data dictionary of a few hundred attributes of both systems.

Everything goes through the area's services (audited) with the system actor; a classifier's owner is
the demo user ``domain_support`` and its maintainer ``admin``. Each step first looks whether its data
is there, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ChangeRequest, Classifier, ConsumingSystem, Correspondence, Entity, VersionStatus
from .services import changes as change_services
from .services import classifiers as classifier_services
from .services import dictionary as dictionary_services
from .services.versions import version_draft_create, version_publish

REASON = "demo data"
START = dt.date(2024, 1, 1)

CONSUMERS = [
    ("skais", "SKAIS", "skais-arendus@tugi.example.com"),
    ("star", "STAR", "star-arendus@tugi.example.com"),
    ("tallinn", "Tallinna linna sotsiaalhoolekande infosüsteem", "it@tallinn.example.com"),
    ("stat", "Statistikaamet (andmevahetus)", "andmevahetus@stat.example.com"),
]

Row = tuple[str, str, str] | tuple[str, str, str, dict[str, Any]]

# (code, system, Estonian name, English name, consumers, items [(code, et, en[, attributes])], schema)
SKAIS: list[tuple[str, str, str, list[str], list[Row]]] = [
    (
        "skais-pension-types",
        "Pensioni liigid",
        "Pension types",
        ["skais", "stat"],
        [
            ("VP", "Vanaduspension", "Old-age pension"),
            ("EVP", "Ennetähtaegne vanaduspension", "Early old-age pension"),
            ("LVP", "Edasilükatud vanaduspension", "Deferred old-age pension"),
            ("SVP", "Soodustingimustel vanaduspension", "Old-age pension on favourable conditions"),
            ("VAP", "Väljateenitud aastate pension", "Superannuated pension"),
            ("TKP", "Toitjakaotuspension", "Survivor's pension"),
            ("RP", "Rahvapension", "National pension"),
        ],
    ),
    (
        "skais-payment-methods",
        "Väljamakseviisid",
        "Payment methods",
        ["skais"],
        [
            ("PANK", "Pangakontole", "To a bank account"),
            ("POST", "Kojukanne", "Home delivery"),
            ("VALIS", "Välisriigi pangakontole", "To a foreign bank account"),
            ("ASUTUS", "Hoolekandeasutusele", "To a care institution"),
        ],
    ),
    (
        "skais-return-reasons",
        "Tagastatud maksete põhjused",
        "Reasons of returned payments",
        ["skais"],
        [
            ("AC01", "Vale kontonumber", "Incorrect account number"),
            ("AC04", "Suletud konto", "Closed account"),
            ("AC06", "Blokeeritud konto", "Blocked account"),
            ("AG01", "Tehing keelatud", "Transaction forbidden"),
            ("MD07", "Saaja on surnud", "End customer deceased"),
            ("MS02", "Põhjus täpsustamata (saaja)", "Reason not specified (creditor)"),
            ("MS03", "Põhjus täpsustamata (pank)", "Reason not specified (agent)"),
        ],
    ),
    (
        "skais-overpayment-causes",
        "Enammakse põhjused",
        "Causes of overpayments",
        ["skais"],
        [
            ("SURM", "Saaja surm", "Death of the recipient"),
            ("TULU", "Tulu ületas piiri", "Income above the limit"),
            ("ANDMED", "Hilinenud andmed registrist", "Late data from a register"),
            ("TEATAMATA", "Saaja jättis muutusest teatamata", "Change not reported by the recipient"),
            ("VIGA", "Ameti viga", "Error of the agency"),
            ("TOPELT", "Topeltmakse", "Duplicate payment"),
        ],
    ),
    (
        "skais-recovery-methods",
        "Enammakse tagasinõudmise viisid",
        "Overpayment recovery methods",
        ["skais"],
        [
            ("TASASAMINE", "Tasaarveldamine tulevaste maksetega", "Offsetting against future payments"),
            ("ARVE", "Vabatahtlik tasumine arvega", "Voluntary payment by invoice"),
            ("TAOTLUS", "Ajatamine", "Payment schedule"),
            ("KOHTUTAITUR", "Kohtutäituri kaudu", "Through a bailiff"),
            ("PARAND", "Nõue pärandvara vastu", "Claim against the estate"),
        ],
    ),
    (
        "skais-withholding-types",
        "Kinnipidamise liigid",
        "Withholding types",
        ["skais"],
        [
            ("ELATIS", "Elatis", "Maintenance"),
            ("TAITUR", "Kohtutäituri nõue", "Bailiff's claim"),
            ("ENAMMAKSE", "Enammakse tasaarveldus", "Overpayment offset"),
            ("TULUMAKS", "Tulumaks", "Income tax"),
        ],
    ),
    (
        "skais-suspension-reasons",
        "Maksmise peatamise põhjused",
        "Reasons for suspending payment",
        ["skais"],
        [
            ("VALISMAA", "Elukoht välisriigis", "Residence abroad"),
            ("VANGLA", "Karistuse kandmine", "Serving a sentence"),
            ("TOOTAMINE", "Töötamine (väljateenitud aastate pension)", "Working (superannuated pension)"),
            ("ANDMETA", "Puuduvad kontoandmed", "No bank details"),
        ],
    ),
    (
        "skais-application-channels",
        "Taotluse esitamise kanalid",
        "Application channels",
        ["skais"],
        [
            ("EESTI", "Riigiportaal eesti.ee", "State portal eesti.ee"),
            ("BUROO", "Klienditeenindus", "Customer service office"),
            ("EPOST", "Digiallkirjaga e-kiri", "Digitally signed e-mail"),
            ("POST", "Post", "Post"),
            ("AUTO", "Automaatne (registri andmetel)", "Automatic (from register data)"),
        ],
    ),
    (
        "skais-decision-types",
        "Otsuste liigid",
        "Decision types",
        ["skais"],
        [
            ("MAARAMINE", "Määramine", "Award"),
            ("KEELDUMINE", "Keeldumine", "Refusal"),
            ("UMBERARVUTUS", "Ümberarvutus", "Recalculation"),
            ("PEATAMINE", "Peatamine", "Suspension"),
            ("LOPETAMINE", "Lõpetamine", "Termination"),
            ("TAGASINOUE", "Tagasinõue", "Recovery claim"),
        ],
    ),
    (
        "skais-payment-statuses",
        "Makse olekud",
        "Payment statuses",
        ["skais"],
        [
            ("KOOSTATUD", "Koostatud", "Prepared"),
            ("KINNITATUD", "Kinnitatud", "Approved"),
            ("SAADETUD", "Panka saadetud", "Sent to the bank"),
            ("TAGASI", "Tagastatud", "Returned"),
            ("TAGASILYKATUD", "Tagasi lükatud", "Rejected"),
            ("MAKSTUD", "Makstud", "Paid"),
        ],
    ),
    (
        "skais-disability-degrees",
        "Puude raskusastmed",
        "Degrees of disability",
        ["skais", "star"],
        [
            ("KESK", "Keskmine puue", "Moderate disability"),
            ("RASKE", "Raske puue", "Severe disability"),
            ("SYGAV", "Sügav puue", "Profound disability"),
        ],
    ),
    (
        "skais-insurance-period-types",
        "Kindlustusperioodi liigid",
        "Types of insurance periods",
        ["skais"],
        [
            ("SOTS", "Sotsiaalmaksuga kaetud periood", "Period covered by social tax"),
            ("STAAZ", "Pensionistaaž enne 1999", "Pensionable service before 1999"),
            ("LAPS", "Lapse kasvatamine", "Raising a child"),
            ("AJATEENIS", "Ajateenistus", "Conscript service"),
            ("HOOLDUS", "Puudega inimese hooldamine", "Caring for a disabled person"),
        ],
    ),
    (
        "skais-agreement-countries",
        "Välislepingu riigid",
        "Countries of international agreements",
        ["skais"],
        [
            ("UA", "Ukraina", "Ukraine"),
            ("CA", "Kanada", "Canada"),
            ("MD", "Moldova", "Moldova"),
            ("RU", "Venemaa", "Russia"),
        ],
    ),
    (
        "skais-payment-frequencies",
        "Maksesagedused",
        "Payment frequencies",
        ["skais"],
        [
            ("KUU", "Igakuine", "Monthly"),
            ("KVARTAL", "Kord kvartalis", "Quarterly"),
            ("UHEKORDNE", "Ühekordne", "One-off"),
        ],
    ),
]

BENEFIT_SCHEMA = [
    {"name": "budget_account", "label": "Budget account", "type": "string", "required": True},
    {"name": "taxable", "label": "Subject to income tax", "type": "boolean", "required": False},
]
SKAIS_BENEFITS: list[Row] = [
    ("PERE", "Perehüvitised", "Family benefits", {"budget_account": "4130"}),
    ("LT", "Lapsetoetus", "Child allowance", {"budget_account": "413001", "taxable": False}),
    (
        "LPT",
        "Lasterikka pere toetus",
        "Large family allowance",
        {"budget_account": "413002", "taxable": False},
    ),
    ("UVT", "Üksikvanema lapse toetus", "Single parent's child allowance", {"budget_account": "413003"}),
    ("VH", "Vanemahüvitis", "Parental benefit", {"budget_account": "413004", "taxable": True}),
    ("ST", "Sünnitoetus", "Childbirth allowance", {"budget_account": "413005"}),
    ("LAT", "Lapsendamistoetus", "Adoption allowance", {"budget_account": "413006"}),
    ("EA", "Elatisabi", "Maintenance support", {"budget_account": "413007"}),
    (
        "AJT",
        "Asendus- või järelhooldusel oleva lapse toetus",
        "Allowance for a child in substitute care",
        {"budget_account": "413008"},
    ),
    ("PUUE", "Puudega inimeste toetused", "Disability allowances", {"budget_account": "4131"}),
    ("PLT", "Puudega lapse toetus", "Disabled child allowance", {"budget_account": "413101"}),
    (
        "PTT",
        "Puudega tööealise inimese toetus",
        "Disabled working-age person's allowance",
        {"budget_account": "413102"},
    ),
    (
        "PVT",
        "Puudega vanaduspensioniealise inimese toetus",
        "Disabled pensioner's allowance",
        {"budget_account": "413103"},
    ),
    ("OT", "Õppetoetus", "Study allowance", {"budget_account": "413104"}),
    (
        "TPVT",
        "Täiendav puudega vanema toetus",
        "Additional disabled parent's allowance",
        {"budget_account": "413105"},
    ),
]
BENEFIT_PARENTS = {
    "LT": "PERE",
    "LPT": "PERE",
    "UVT": "PERE",
    "VH": "PERE",
    "ST": "PERE",
    "LAT": "PERE",
    "EA": "PERE",
    "AJT": "PERE",
    "PLT": "PUUE",
    "PTT": "PUUE",
    "PVT": "PUUE",
    "OT": "PUUE",
    "TPVT": "PUUE",
}

STAR: list[tuple[str, str, str, list[str], list[Row]]] = [
    (
        "star-service-types",
        "Sotsiaalteenuste liigid",
        "Social service types",
        ["star", "tallinn", "stat"],
        [
            ("KODU", "Koduteenus", "Home service"),
            ("ISABI", "Isikliku abistaja teenus", "Personal assistant service"),
            ("TUGI", "Tugiisikuteenus", "Support person service"),
            ("TRANSP", "Sotsiaaltransporditeenus", "Social transport service"),
            ("ELURUUM", "Eluruumi tagamine", "Provision of housing"),
            ("VARJU", "Varjupaigateenus", "Shelter service"),
            ("TURVA", "Turvakoduteenus", "Safe house service"),
            ("YLDH", "Üldhooldusteenus", "General care service"),
            ("ASENDUS", "Asendushooldusteenus", "Substitute care service"),
            ("JARELH", "Järelhooldusteenus", "Aftercare service"),
            ("VOLG", "Võlanõustamisteenus", "Debt counselling service"),
            ("LHOID", "Lapsehoiuteenus", "Childcare service"),
        ],
    ),
    (
        "star-benefit-types",
        "Sotsiaaltoetuste liigid",
        "Social benefit types",
        ["star", "tallinn"],
        [
            ("TTT", "Toimetulekutoetus", "Subsistence benefit"),
            ("VPPT", "Vajaduspõhine peretoetus", "Needs-based family benefit"),
            ("MOV", "Kohaliku omavalitsuse toetus", "Municipal benefit"),
        ],
    ),
    (
        "star-case-statuses",
        "Menetluse olekud",
        "Case statuses",
        ["star", "tallinn"],
        [
            ("ALUSTATUD", "Alustatud", "Started"),
            ("MENETLUSES", "Menetluses", "In progress"),
            ("OOTEL", "Ootel", "On hold"),
            ("OTSUSTATUD", "Otsustatud", "Decided"),
            ("LOPETATUD", "Lõpetatud", "Closed"),
        ],
    ),
    (
        "star-case-types",
        "Menetluse liigid",
        "Case types",
        ["star"],
        [
            ("TEENUS", "Teenuse menetlus", "Service case"),
            ("TOETUS", "Toetuse menetlus", "Benefit case"),
            ("LASTEKAITSE", "Lastekaitse menetlus", "Child protection case"),
            ("OHVRIABI", "Ohvriabi juhtum", "Victim support case"),
            ("EESTKOSTE", "Eestkoste", "Guardianship"),
        ],
    ),
    (
        "star-need-areas",
        "Abivajaduse valdkonnad",
        "Areas of need",
        ["star"],
        [
            ("TERVIS", "Tervis", "Health"),
            ("ELUASE", "Eluase", "Housing"),
            ("TOO", "Töö ja toimetulek", "Work and coping"),
            ("PERE", "Pere ja suhted", "Family and relationships"),
            ("TURVALISUS", "Turvalisus", "Safety"),
            ("OSKUSED", "Igapäevaoskused", "Daily living skills"),
        ],
    ),
    (
        "star-child-protection-contacts",
        "Lastekaitse pöördumise liigid",
        "Child protection contact types",
        ["star"],
        [
            ("TEADE", "Abivajava lapse teade", "Report of a child in need"),
            ("KOOL", "Kooli pöördumine", "School's referral"),
            ("POLITSEI", "Politsei teade", "Police report"),
            ("VANEM", "Vanema pöördumine", "Parent's request"),
        ],
    ),
    (
        "star-victim-support-types",
        "Ohvriabi liigid",
        "Victim support types",
        ["star"],
        [
            ("NOUST", "Ohvriabi nõustamine", "Victim support counselling"),
            ("PSYH", "Psühholoogiline abi", "Psychological help"),
            ("HUVITIS", "Riiklik hüvitis", "State compensation"),
            ("LAPSEMAJA", "Lastemaja teenus", "Children's house service"),
        ],
    ),
    (
        "star-provider-types",
        "Teenuseosutajate liigid",
        "Service provider types",
        ["star"],
        [
            ("KOV", "Kohaliku omavalitsuse asutus", "Municipal institution"),
            ("ERA", "Eraõiguslik ettevõte", "Private company"),
            ("MTU", "Mittetulundusühing", "Non-profit association"),
            ("FIE", "Füüsilisest isikust ettevõtja", "Sole trader"),
        ],
    ),
    (
        "star-case-plan-statuses",
        "Juhtumiplaani olekud",
        "Case plan statuses",
        ["star"],
        [
            ("KOOSTAMISEL", "Koostamisel", "Being drafted"),
            ("KEHTIV", "Kehtiv", "In force"),
            ("ULEVAATUSEL", "Ülevaatusel", "Under review"),
            ("LOPETATUD", "Lõpetatud", "Closed"),
        ],
    ),
    (
        "star-decision-outcomes",
        "Otsuse tulemused",
        "Decision outcomes",
        ["star", "tallinn"],
        [
            ("RAHULDATUD", "Rahuldatud", "Granted"),
            ("OSALISELT", "Osaliselt rahuldatud", "Partly granted"),
            ("KEELDUTUD", "Keeldutud", "Refused"),
            ("LOPETATUD", "Menetlus lõpetatud", "Proceedings closed"),
        ],
    ),
    (
        "star-contact-channels",
        "Pöördumise kanalid",
        "Contact channels",
        ["star"],
        [
            ("KOHAL", "Vastuvõtul", "In person"),
            ("TELEFON", "Telefoni teel", "By phone"),
            ("EPOST", "E-posti teel", "By e-mail"),
            ("XTEE", "X-tee päringuga", "By an X-tee query"),
        ],
    ),
    (
        "star-guardianship-types",
        "Eestkoste liigid",
        "Guardianship types",
        ["star"],
        [
            ("ALAEALINE", "Alaealise eestkoste", "Guardianship of a minor"),
            ("TAISEALINE", "Piiratud teovõimega täisealise eestkoste", "Guardianship of an adult"),
            ("AJUTINE", "Ajutine eestkoste", "Temporary guardianship"),
        ],
    ),
]

SHARED: list[tuple[str, str, str, list[str], list[Row]]] = [
    (
        "genders",
        "Sugu",
        "Sex",
        ["skais", "star", "tallinn"],
        [("M", "Mees", "Male"), ("N", "Naine", "Female"), ("X", "Määramata", "Unspecified")],
    ),
    (
        "languages",
        "Suhtluskeeled",
        "Languages of communication",
        ["skais", "star"],
        [("et", "Eesti", "Estonian"), ("ru", "Vene", "Russian"), ("en", "Inglise", "English")],
    ),
]

# --- EHAK: a synthetic subset around the 2017 administrative reform -------------------------------

COUNTIES = [
    ("0037", "Harju maakond", "Harju County"),
    ("0039", "Hiiu maakond", "Hiiu County"),
    ("0044", "Ida-Viru maakond", "Ida-Viru County"),
    ("0049", "Jõgeva maakond", "Jõgeva County"),
    ("0051", "Järva maakond", "Järva County"),
    ("0057", "Lääne maakond", "Lääne County"),
    ("0059", "Lääne-Viru maakond", "Lääne-Viru County"),
    ("0065", "Põlva maakond", "Põlva County"),
    ("0067", "Pärnu maakond", "Pärnu County"),
    ("0070", "Rapla maakond", "Rapla County"),
    ("0074", "Saare maakond", "Saare County"),
    ("0078", "Tartu maakond", "Tartu County"),
    ("0082", "Valga maakond", "Valga County"),
    ("0084", "Viljandi maakond", "Viljandi County"),
    ("0086", "Võru maakond", "Võru County"),
]
# (code, name, county, code after the reform or "" if unchanged)
MUNICIPALITIES_2016 = [
    ("0784", "Tallinn", "0037", ""),
    ("0653", "Rae vald", "0037", ""),
    ("0890", "Viimsi vald", "0037", ""),
    ("0198", "Harku vald", "0037", ""),
    ("0205", "Hiiu vald", "0039", ""),
    ("0511", "Narva linn", "0044", ""),
    ("0321", "Kohtla-Järve linn", "0044", ""),
    ("0170", "Jõgeva linn", "0049", "0247"),
    ("0171", "Jõgeva vald", "0049", "0247"),
    ("0566", "Paide linn", "0051", "0567"),
    ("0184", "Haapsalu linn", "0057", ""),
    ("0662", "Rakvere linn", "0059", ""),
    ("0618", "Põlva linn", "0065", "0622"),
    ("0619", "Põlva vald", "0065", "0622"),
    ("0624", "Pärnu linn", "0067", ""),
    ("0115", "Audru vald", "0067", "0624"),
    ("0593", "Paikuse vald", "0067", "0624"),
    ("0831", "Tõstamaa vald", "0067", "0624"),
    ("0668", "Rapla vald", "0070", ""),
    ("0349", "Kuressaare linn", "0074", "0714"),
    ("0388", "Lääne-Saare vald", "0074", "0714"),
    ("0795", "Tartu linn", "0078", ""),
    ("0796", "Tähtvere vald", "0078", "0795"),
    ("0557", "Valga linn", "0082", "0558"),
    ("0897", "Viljandi linn", "0084", ""),
    ("0919", "Võru linn", "0086", ""),
]
MUNICIPALITIES_NEW = [
    ("0247", "Jõgeva vald", "0049"),
    ("0567", "Paide linn", "0051"),
    ("0622", "Põlva vald", "0065"),
    ("0714", "Saaremaa vald", "0074"),
    ("0558", "Valga vald", "0082"),
]
REFORM = dt.date(2017, 10, 22)


def _item(code: str, et: str, en: str, order: int, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name_et": et, "name_en": en, "order": order, **extra}


def _ehak_v1() -> list[dict[str, Any]]:
    rows = [_item(c, et, en, i) for i, (c, et, en) in enumerate(COUNTIES, start=1)]
    rows += [
        _item(c, name, "", 100 + i, parent_code=county)
        for i, (c, name, county, _new) in enumerate(MUNICIPALITIES_2016)
    ]
    return rows


def _ehak_v2() -> list[dict[str, Any]]:
    end = (REFORM - dt.timedelta(days=1)).isoformat()
    rows = [_item(c, et, en, i) for i, (c, et, en) in enumerate(COUNTIES, start=1)]
    for i, (code, name, county, new) in enumerate(MUNICIPALITIES_2016):
        if new and new != code:
            rows.append(_item(code, name, "", 100 + i, parent_code=county, status="retired", valid_to=end))
        else:
            rows.append(_item(code, name, "", 100 + i, parent_code=county))
    for i, (code, name, county) in enumerate(MUNICIPALITIES_NEW):
        if code not in {r["code"] for r in rows}:
            rows.append(_item(code, name, "", 200 + i, parent_code=county, valid_from=REFORM.isoformat()))
    return rows


def _ehak_correspondence() -> bytes:
    lines = ["old_code;new_code;note"]
    for code, _name, _county, new in MUNICIPALITIES_2016:
        if new and new != code:
            lines.append(f"{code};{new};ühinemine 2017")
    return ("\n".join(lines) + "\n").encode()


# --- the data dictionary -------------------------------------------------------------------------

DICTIONARY: dict[str, list[tuple[str, str, list[tuple[str, str, str, str]]]]] = {
    "SKAIS": [
        (
            "pensioni_otsus",
            "Pensioni määramise otsus",
            [
                ("pensioni_liik", "varchar(10)", "Pensioni liik", "skais-pension-types"),
                ("otsuse_liik", "varchar(20)", "Otsuse liik", "skais-decision-types"),
                ("taotluse_kanal", "varchar(10)", "Taotluse esitamise kanal", "skais-application-channels"),
            ],
        ),
        (
            "toetuse_otsus",
            "Toetuse määramise otsus",
            [
                ("toetuse_liik", "varchar(10)", "Toetuse liik", "skais-benefit-types"),
                ("otsuse_liik", "varchar(20)", "Otsuse liik", "skais-decision-types"),
                ("puude_raskusaste", "varchar(10)", "Puude raskusaste", "skais-disability-degrees"),
            ],
        ),
        (
            "makse",
            "Väljamakse",
            [
                ("makseviis", "varchar(10)", "Väljamakseviis", "skais-payment-methods"),
                ("olek", "varchar(15)", "Makse olek", "skais-payment-statuses"),
                ("sagedus", "varchar(10)", "Maksesagedus", "skais-payment-frequencies"),
            ],
        ),
        (
            "tagastatud_makse",
            "Panga tagastatud makse",
            [
                ("tagastuse_pohjus", "char(4)", "Tagastuse põhjuse kood (ISO 20022)", "skais-return-reasons"),
            ],
        ),
        (
            "enammakse",
            "Enammakse",
            [
                ("pohjus", "varchar(10)", "Enammakse põhjus", "skais-overpayment-causes"),
                ("tagasinoude_viis", "varchar(12)", "Tagasinõudmise viis", "skais-recovery-methods"),
            ],
        ),
        (
            "kinnipidamine",
            "Kinnipidamise otsus",
            [
                ("liik", "varchar(10)", "Kinnipidamise liik", "skais-withholding-types"),
            ],
        ),
        (
            "peatamine",
            "Maksmise peatamine",
            [
                ("pohjus", "varchar(10)", "Peatamise põhjus", "skais-suspension-reasons"),
            ],
        ),
        (
            "kindlustusperiood",
            "Kindlustusperiood",
            [
                ("liik", "varchar(10)", "Perioodi liik", "skais-insurance-period-types"),
            ],
        ),
        (
            "valisleping",
            "Välislepingu juhtum",
            [
                ("riik", "char(2)", "Lepingu riik", "skais-agreement-countries"),
            ],
        ),
        (
            "isik",
            "Isik",
            [
                ("sugu", "char(1)", "Sugu", "genders"),
                ("suhtluskeel", "char(2)", "Suhtluskeel", "languages"),
                ("elukoha_ehak", "char(4)", "Elukoha omavalitsus (EHAK)", "ehak"),
            ],
        ),
    ],
    "STAR": [
        (
            "menetlus",
            "Menetlus",
            [
                ("liik", "varchar(12)", "Menetluse liik", "star-case-types"),
                ("olek", "varchar(12)", "Menetluse olek", "star-case-statuses"),
                ("kanal", "varchar(10)", "Pöördumise kanal", "star-contact-channels"),
                ("omavalitsus", "char(4)", "Menetlev omavalitsus (EHAK)", "ehak"),
            ],
        ),
        (
            "teenus",
            "Määratud teenus",
            [
                ("teenuse_liik", "varchar(10)", "Teenuse liik", "star-service-types"),
                ("osutaja_liik", "varchar(5)", "Teenuseosutaja liik", "star-provider-types"),
                ("otsuse_tulemus", "varchar(12)", "Otsuse tulemus", "star-decision-outcomes"),
            ],
        ),
        (
            "toetus",
            "Määratud toetus",
            [
                ("toetuse_liik", "varchar(5)", "Toetuse liik", "star-benefit-types"),
                ("otsuse_tulemus", "varchar(12)", "Otsuse tulemus", "star-decision-outcomes"),
            ],
        ),
        (
            "abivajadus",
            "Abivajaduse hindamine",
            [
                ("valdkond", "varchar(12)", "Abivajaduse valdkond", "star-need-areas"),
            ],
        ),
        (
            "lastekaitse_teade",
            "Lastekaitse pöördumine",
            [
                ("liik", "varchar(10)", "Pöördumise liik", "star-child-protection-contacts"),
            ],
        ),
        (
            "ohvriabi",
            "Ohvriabi juhtum",
            [
                ("abi_liik", "varchar(10)", "Ohvriabi liik", "star-victim-support-types"),
            ],
        ),
        (
            "juhtumiplaan",
            "Juhtumiplaan",
            [
                ("olek", "varchar(12)", "Juhtumiplaani olek", "star-case-plan-statuses"),
            ],
        ),
        (
            "eestkoste",
            "Eestkoste",
            [
                ("liik", "varchar(10)", "Eestkoste liik", "star-guardianship-types"),
            ],
        ),
        (
            "klient",
            "Klient",
            [
                ("sugu", "char(1)", "Sugu", "genders"),
                ("suhtluskeel", "char(2)", "Suhtluskeel", "languages"),
                ("elukoha_ehak", "char(4)", "Elukoha omavalitsus (EHAK)", "ehak"),
                ("puude_raskusaste", "varchar(10)", "Puude raskusaste", "skais-disability-degrees"),
            ],
        ),
    ],
}
# Plain columns every entity has (no classifier); they make the dictionary a realistic size.
COMMON_COLUMNS = [
    ("id", "bigint", "Kirje identifikaator"),
    ("isikukood_hash", "char(64)", "Isikukoodi räsi"),
    ("algus", "date", "Kehtivuse algus"),
    ("lopp", "date", "Kehtivuse lõpp"),
    ("summa", "numeric(12,2)", "Summa eurodes"),
    ("markus", "text", "Märkus"),
    ("loodud", "timestamp", "Loomise aeg"),
    ("loodud_kasutaja", "varchar(50)", "Looja kasutajanimi"),
    ("muudetud", "timestamp", "Muutmise aeg"),
    ("muudetud_kasutaja", "varchar(50)", "Muutja kasutajanimi"),
    ("dokumendi_nr", "varchar(30)", "Dokumendi number"),
    ("allikas", "varchar(20)", "Andmete allikas"),
    ("versioon", "integer", "Kirje versioon"),
    ("kustutatud", "boolean", "Loogiliselt kustutatud"),
]


def dictionary_csv() -> bytes:
    lines = ["system;entity;entity_description;attribute;type;description;classifier"]
    for system, entities in DICTIONARY.items():
        for entity, description, attributes in entities:
            for name, kind, text in COMMON_COLUMNS:
                lines.append(f"{system};{entity};{description};{name};{kind};{text};")
            for name, kind, text, classifier in attributes:
                lines.append(f"{system};{entity};{description};{name};{kind};{text};{classifier}")
    return ("\n".join(lines) + "\n").encode()


# --- the loader ----------------------------------------------------------------------------------


class Loader:
    def __init__(self, actor: Any, stdout: Any) -> None:
        self.actor = actor
        self.stdout = stdout
        users = get_user_model().objects
        self.owner = users.filter(username="domain_support", is_active=True).first() or actor
        self.maintainer = users.filter(username="admin", is_active=True).first()
        self.requester = users.filter(username="finance", is_active=True).first() or actor
        systems = dictionary_services.managed_systems()
        self.systems = {s.code: s for s in systems.objects.filter(code__in=["SKAIS", "STAR"])}
        self.created = 0

    def run(self) -> None:
        started = time.monotonic()
        consumers = self.consumers()
        for code, et, en, used_by, rows in SKAIS:
            self.classifier(code, et, en, "SKAIS", [consumers[c] for c in used_by], rows)
        benefits = [
            {**_item(r[0], r[1], r[2], i), "attributes": r[3] if len(r) > 3 else {}}
            for i, r in enumerate(SKAIS_BENEFITS, start=1)
        ]
        for row in benefits:
            if row["code"] in BENEFIT_PARENTS:
                row["parent_code"] = BENEFIT_PARENTS[row["code"]]
        self.classifier(
            "skais-benefit-types",
            "Toetuste liigid",
            "Benefit types",
            "SKAIS",
            [consumers["skais"], consumers["stat"]],
            benefits,
            schema=BENEFIT_SCHEMA,
            legal_basis="Perehüvitiste seadus; puuetega inimeste sotsiaaltoetuste seadus",
        )
        for code, et, en, used_by, rows in STAR:
            self.classifier(code, et, en, "STAR", [consumers[c] for c in used_by], rows)
        for code, et, en, used_by, rows in SHARED:
            self.classifier(code, et, en, None, [consumers[c] for c in used_by], rows)
        self.ehak(consumers)
        self.change_request()
        self.dictionary()
        self.stdout.write(
            f"  classifiers: {Classifier.objects.count()} classifiers, {self.created} created "
            f"({time.monotonic() - started:.1f} s)"
        )

    def consumers(self) -> dict[str, ConsumingSystem]:
        result = {}
        for code, name, email in CONSUMERS:
            found = ConsumingSystem.objects.filter(code=code).first()
            if found is None:
                found = classifier_services.consumer_create(
                    actor=self.actor, reason=REASON, code=code, name=name, contact_email=email
                )
            result[code] = found
        return result

    def classifier(
        self,
        code: str,
        name_et: str,
        name_en: str,
        system: str | None,
        consumers: list[ConsumingSystem],
        rows: list[Any],
        *,
        schema: list[dict[str, Any]] | None = None,
        legal_basis: str = "",
        valid_from: dt.date = START,
    ) -> Classifier:
        classifier = Classifier.objects.filter(code=code).first()
        if classifier is None:
            with transaction.atomic():
                classifier = classifier_services.classifier_create(
                    actor=self.actor,
                    reason=REASON,
                    code=code,
                    name_et=name_et,
                    name_en=name_en,
                    owner_system=self.systems.get(system) if system else None,
                    owner=self.owner,
                    maintainer=self.maintainer,
                    legal_basis=legal_basis,
                    attribute_schema=schema or [],
                    consumers=consumers,
                )
                self.created += 1
        if not classifier.versions.filter(status=VersionStatus.PUBLISHED).exists():
            items = [r if isinstance(r, dict) else _item(r[0], r[1], r[2], i) for i, r in enumerate(rows, 1)]
            self.publish(classifier, items, valid_from)
        return classifier

    def publish(self, classifier: Classifier, items: list[dict[str, Any]], valid_from: dt.date) -> None:
        with transaction.atomic():
            draft = classifier.versions.filter(status=VersionStatus.DRAFT).first()
            if draft is None:
                draft = version_draft_create(classifier=classifier, actor=self.actor, reason=REASON)
            classifier_services.items_import(
                version=draft,
                content=json.dumps(items, ensure_ascii=False).encode(),
                fmt="json",
                actor=self.actor,
                reason=REASON,
            )
            version_publish(
                version=draft, valid_from=valid_from, actor=self.actor, reason=REASON, notify_consumers=False
            )

    def ehak(self, consumers: dict[str, ConsumingSystem]) -> None:
        classifier = self.classifier(
            "ehak",
            "Eesti haldus- ja asustusjaotuse klassifikaator",
            "Classification of Estonian administrative and settlement units",
            None,
            [consumers["skais"], consumers["star"], consumers["tallinn"], consumers["stat"]],
            _ehak_v1(),
            legal_basis="Eesti territooriumi haldusjaotuse seadus (synthetic subset for the demo)",
            valid_from=dt.date(2013, 1, 1),
        )
        published = classifier.versions.filter(status=VersionStatus.PUBLISHED)
        if published.count() == 1:
            self.publish(classifier, _ehak_v2(), REFORM)
        v1 = published.filter(number=1).first()
        v2 = published.filter(number=2).first()
        if v1 and v2 and not Correspondence.objects.filter(from_version=v1, to_version=v2).exists():
            change_services.correspondence_import(
                classifier=classifier,
                from_version=v1,
                to_version=v2,
                content=_ehak_correspondence(),
                actor=self.actor,
                reason=REASON,
            )

    def change_request(self) -> None:
        classifier = Classifier.objects.filter(code="skais-benefit-types").first()
        title = "Uus toetus: puudega lapse hooldajatoetus; õppetoetuse lõpetamine"
        if classifier is None or ChangeRequest.objects.filter(classifier=classifier, title=title).exists():
            return
        with transaction.atomic():
            request = change_services.change_request_create(
                classifier=classifier,
                title=title,
                justification="Seadusemuudatus jõustub järgmise aasta algusest; väljamaksete eelarvekonto on "
                "rahandusosakonnaga kokku lepitud.",
                planned_publication=timezone.localdate() + dt.timedelta(days=30),
                actor=self.requester,
                reason=REASON,
            )
            change_services.change_operation_add(
                request=request,
                operation="add",
                code="PLHT",
                values={
                    "name_et": "Puudega lapse hooldajatoetus",
                    "name_en": "Carer's allowance for a disabled child",
                    "parent_code": "PUUE",
                    "attributes": {"budget_account": "413106"},
                },
                actor=self.requester,
                reason=REASON,
            )
            change_services.change_operation_add(
                request=request,
                operation="retire",
                code="OT",
                replaced_by="PLHT",
                actor=self.requester,
                reason=REASON,
            )
            change_services.change_request_submit(request=request, actor=self.requester, reason=REASON)

    def dictionary(self) -> None:
        if Entity.objects.exists() or not self.systems:
            return
        dictionary_services.dictionary_import(content=dictionary_csv(), actor=self.actor, reason=REASON)


def load_demo(actor: Any, stdout: Any = None) -> None:
    Loader(actor, stdout or io.StringIO()).run()
