"""Demo data of the access area: STAR and SKAIS with their rights catalogues, profiles, the agency's
departments and ten municipalities, about 400 accounts (invented names), assignments, segregation of
duties policies with one violation, a running and a closed recertification campaign, open access
requests, a few access problems and the rights-management process guide.

Everything is written through the area's services (so it is audited) with the system actor, except
where a service wants a named person: a reviewer decides their campaign items, a requester files a
request. Accounts come in as one HR file. Every step first looks whether its data is there, so a
second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tugi.core.demo import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES
from tugi.work import selectors as work_selectors
from tugi.work import services as work_services

from .models import (
    AccessProblem,
    AccessRequest,
    Account,
    Assignment,
    Campaign,
    CampaignItem,
    CampaignStatus,
    ManagedSystem,
    OrgUnit,
    OrgUnitKind,
    Profile,
    ProfileStatus,
    ReviewDecision,
    ReviewerKind,
    Right,
    SodPolicy,
)

REASON = "demo data"
SEED = 2025

# --- systems and their rights catalogues ---------------------------------------------------------

SYSTEMS = [
    (
        "SKAIS",
        "Sotsiaalkaitse infosüsteem",
        "Riiklikud pensionid ja toetused: pensionikindlustusregister, pensionide ja perehüvitiste "
        "määramine, väljamaksed, enammaksed ja finantsarvestus.",
    ),
    (
        "STAR",
        "Sotsiaalteenuste ja -toetuste andmeregister",
        "Kohalike omavalitsuste ja ameti juhtumipõhine sotsiaaltöö: teenused, toetused, lastekaitse, "
        "ohvriabi, abivajaduse hindamine ja juhtumiplaanid.",
    ),
]

# "## module" starts a module; then "CODE | sensitivity | Estonian name | English name".
# Sensitivity: - ordinary, P sees personal data, M approves payments, A administers the system.
SKAIS_CATALOGUE = """
## Pensionid
PENS_REG_VIEW | P | Pensionikindlustusregistri vaatamine | View the pension insurance register
PENS_REG_EDIT | P | Kindlustusperioodide muutmine | Change insurance periods
PENS_APP_VIEW | P | Pensionitaotluste vaatamine | View pension applications
PENS_APP_REGISTER | P | Pensionitaotluse registreerimine | Register a pension application
PENS_CALC | - | Pensioni arvutamine | Calculate a pension
PENS_DECIDE | P | Pensioni määramise otsuse kinnitamine | Confirm a pension decision
PENS_RECALC | - | Pensioni ümberarvutamine | Recalculate a pension
PENS_INDEX | A | Pensionide indekseerimise käivitamine | Run the indexation of pensions
PENS_SUSPEND | P | Pensioni maksmise peatamine | Suspend a pension
PENS_WITHHOLD | P | Kinnipidamise otsuse sisestamine | Enter a withholding decision
PENS_OLD_AGE | P | Vanaduspensioni määramine | Award an old-age pension
PENS_EARLY | P | Ennetähtaegse vanaduspensioni määramine | Award an early old-age pension
PENS_DEFERRED | P | Edasilükatud vanaduspensioni määramine | Award a deferred old-age pension
PENS_FAVOURABLE | P | Soodustingimustel vanaduspensioni määramine | Award a pension on favourable terms
PENS_LONG_SERVICE | P | Väljateenitud aastate pensioni määramine | Award a long-service pension
PENS_SURVIVOR | P | Toitjakaotuspensioni määramine | Award a survivor's pension
PENS_NATIONAL | P | Rahvapensioni määramine | Award a national pension
## Pensionikindlustusregister
PIR_SOCIAL_TAX_VIEW | P | Isikustatud sotsiaalmaksu andmete vaatamine | View personalised social tax data
PIR_MTA_LOAD | - | Maksu- ja Tolliameti andmete laadimine | Load Tax and Customs Board data
PIR_FUNDED_VIEW | P | Kogumispensioni andmete vaatamine | View funded pension data
PIR_EXTRACT | P | Kindlustusregistri väljavõtte koostamine | Prepare a register extract
## Rahvusvahelised juhtumid
INTL_VIEW | P | Välisriigi juhtumite vaatamine | View international cases
INTL_PERIODS | P | Välisriigi kindlustusperioodide sisestamine | Enter foreign insurance periods
INTL_FORMS | P | E-vormide ja SED-dokumentide koostamine | Prepare E forms and SED documents
INTL_PAY | M | Välisriiki makstavate pensionide kinnitamine | Approve pensions paid abroad
## Perehüvitised
FAM_APP_REGISTER | P | Perehüvitiste taotluste registreerimine | Register family benefit applications
FAM_RECALC | - | Perehüvitiste ümberarvutus | Recalculate family benefits
FAM_CHILD_VIEW | P | Lapsetoetuse vaatamine | View the child allowance
FAM_CHILD_DECIDE | P | Lapsetoetuse määramine | Award the child allowance
FAM_LARGE_VIEW | P | Lasterikka pere toetuse vaatamine | View the large family allowance
FAM_LARGE_DECIDE | P | Lasterikka pere toetuse määramine | Award the large family allowance
FAM_SINGLE_VIEW | P | Üksikvanema lapse toetuse vaatamine | View the single parent's child allowance
FAM_SINGLE_DECIDE | P | Üksikvanema lapse toetuse määramine | Award the single parent's child allowance
FAM_PARENTAL_VIEW | P | Vanemahüvitise vaatamine | View the parental benefit
FAM_PARENTAL_DECIDE | P | Vanemahüvitise määramine | Award the parental benefit
FAM_BIRTH_VIEW | P | Sünnitoetuse vaatamine | View the childbirth allowance
FAM_BIRTH_DECIDE | P | Sünnitoetuse määramine | Award the childbirth allowance
FAM_ADOPTION_VIEW | P | Lapsendamistoetuse vaatamine | View the adoption allowance
FAM_ADOPTION_DECIDE | P | Lapsendamistoetuse määramine | Award the adoption allowance
FAM_MAINTENANCE_VIEW | P | Elatisabi vaatamine | View maintenance support
FAM_MAINTENANCE_DECIDE | P | Elatisabi määramine | Award maintenance support
FAM_FOSTER_VIEW | P | Asendus- või järelhooldusel oleva lapse toetuse vaatamine | View foster care allowance
FAM_FOSTER_DECIDE | P | Asendus- või järelhooldusel oleva lapse toetuse määramine | Award the foster allowance
## Puuetega inimeste toetused
DIS_VIEW | P | Puuetega inimeste toetuste vaatamine | View disability allowances
DIS_CHILD | P | Puudega lapse toetuse määramine | Award the disabled child allowance
DIS_WORKING_AGE | P | Puudega tööealise inimese toetuse määramine | Award the disabled working-age allowance
DIS_PENSION_AGE | P | Puudega vanaduspensioniealise inimese toetuse määramine | Disabled pensioner allowance
DIS_STUDY | P | Õppetoetuse määramine | Award the study allowance
DIS_PARENT | P | Täiendava puudega vanema toetuse määramine | Award the additional disabled parent allowance
## Maksed
PAY_RUN_VIEW | - | Väljamaksete vaatamine | View payment runs
PAY_RUN_CREATE | M | Maksepäeva väljamaksete koostamine | Create the payment run of a payment day
PAY_RUN_APPROVE | M | Väljamaksete kinnitamine | Approve a payment run
PAY_FILE_SEND | M | Maksefaili (pain.001) saatmine panka | Send the payment file (pain.001) to the bank
PAY_STATEMENT_LOAD | - | Pangaväljavõtte (camt.053) laadimine | Load a bank statement (camt.053)
PAY_RETURN_VIEW | - | Tagastatud maksete vaatamine | View returned payments
PAY_RETURN_PROCESS | M | Tagastatud maksete töötlemine | Process returned payments
PAY_BANK_ACCOUNT | P | Isiku arvelduskonto muutmine | Change a person's bank account
PAY_PERSON_APPROVE | M | Isikule tehtavate väljamaksete kinnitamine | Approve payments to a person
PAY_STOP | M | Väljamakse peatamine | Stop a payment
PAY_CALENDAR | - | Maksepäevade kalendri haldamine | Manage the payment calendar
## Enammaksed
OVERPAY_VIEW | P | Enammaksete vaatamine | View overpayments
OVERPAY_REGISTER | P | Enammakse registreerimine | Register an overpayment
OVERPAY_DECIDE | M | Enammakse tagasinõude otsus | Decide an overpayment recovery
OVERPAY_WRITE_OFF | M | Enammakse mahakandmine | Write off an overpayment
OVERPAY_INSTALMENT | - | Ajatamise kokkuleppe sisestamine | Enter an instalment plan
OVERPAY_OFFSET | M | Tasaarvestuse sisestamine | Enter an offset against ongoing payments
OVERPAY_LIMITATION | - | Aegumise märkimine | Mark a claim time-barred
OVERPAY_NOTICE | P | Tagasinõude teatise koostamine | Prepare a recovery notice
## Finantsaruandlus
FIN_LEDGER_VIEW | - | Pearaamatu kannete vaatamine | View ledger entries
FIN_MONTHLY | - | Kuuaruannete koostamine | Prepare the monthly reports
FIN_TRIAL_BALANCE | M | Saldoandmiku koostamine ja esitamine | Prepare and submit the trial balance
FIN_RECONCILE | - | Väljamaksete ja kannete võrdlemine | Reconcile payments and entries
FIN_BUDGET_VIEW | - | Eelarve täitmise vaatamine | View budget execution
FIN_EXPORT | - | Finantsandmete eksport | Export financial data
FIN_RECEIVABLES | - | Nõuete saldo vaatamine | View the receivables balance
## Klassifikaatorid
CLS_VIEW | - | Klassifikaatorite vaatamine | View classifiers
CLS_EDIT | - | Klassifikaatori muutmine | Edit a classifier
CLS_CR_CREATE | - | Muudatustaotluse koostamine | Prepare a change request
CLS_CR_APPROVE | A | Muudatustaotluse kinnitamine | Approve a change request
CLS_PUBLISH | A | Klassifikaatori versiooni avaldamine | Publish a classifier version
## Administreerimine
ADM_USER_VIEW | - | Kasutajate vaatamine | View users
ADM_USER_MANAGE | A | Kasutajakontode haldamine | Manage user accounts
ADM_PROFILE_GRANT | A | Kasutajaprofiili andmine | Grant a user profile
ADM_REQUEST_APPROVE | A | Õiguste taotluse kinnitamine | Approve an access request
ADM_AUDIT_LOG | A | Logide vaatamine | View the logs
ADM_PARAMS | A | Süsteemi parameetrite muutmine | Change system parameters
ADM_BATCH | A | Pakktööde käivitamine | Run batch jobs
ADM_XTEE | A | X-tee teenuste seadistamine | Configure X-Road services
"""

STAR_CATALOGUE = """
## Menetlused
CASE_VIEW | P | Menetluste vaatamine | View cases
CASE_CREATE | P | Menetluse alustamine | Start a case
CASE_EDIT | P | Menetluse andmete muutmine | Edit a case
CASE_CLOSE | - | Menetluse lõpetamine | Close a case
CASE_TRANSFER | P | Menetluse üleandmine teisele omavalitsusele | Transfer a case to another municipality
CASE_DOCS_SIGN | P | Menetlusdokumentide allkirjastamine | Sign case documents
CASE_CONTACTS | P | Kliendi kontaktandmete muutmine | Change a client's contact details
## Teenused
SRV_VIEW | P | Teenuste vaatamine | View services
SRV_PROVIDERS | - | Teenuseosutajate haldamine | Manage service providers
SRV_COST_REPORT | M | Teenuseosutaja kuluaruande kinnitamine | Approve a provider's cost report
SRV_PRICES | - | Teenuste hinnakirja haldamine | Manage service prices
SRV_HOME_CARE | P | Koduteenuse otsustamine | Decide home care
SRV_ASSISTANT | P | Isikliku abistaja teenuse otsustamine | Decide the personal assistant service
SRV_SUPPORT_PERSON | P | Tugiisikuteenuse otsustamine | Decide the support person service
SRV_TRANSPORT | P | Sotsiaaltransporditeenuse otsustamine | Decide the social transport service
SRV_HOUSING | P | Eluruumi tagamise otsustamine | Decide the provision of housing
SRV_SHELTER | P | Varjupaigateenuse otsustamine | Decide the shelter service
SRV_SAFE_HOUSE | P | Turvakoduteenuse otsustamine | Decide the safe house service
SRV_GENERAL_CARE | P | Üldhooldusteenuse otsustamine | Decide the general care service
SRV_SUBSTITUTE_HOME | P | Asendushooldusteenuse otsustamine | Decide the substitute home service
SRV_AFTERCARE | P | Järelhooldusteenuse otsustamine | Decide the aftercare service
SRV_DEBT_COUNSEL | P | Võlanõustamisteenuse otsustamine | Decide the debt counselling service
SRV_CHILDCARE | P | Lapsehoiuteenuse otsustamine | Decide the childcare service
## Toetused
BEN_VIEW | P | Toetuste vaatamine | View benefits
BEN_SUBSISTENCE | P | Toimetulekutoetuse määramine | Award the subsistence benefit
BEN_NEEDS_FAMILY | P | Vajaduspõhise peretoetuse määramine | Award the needs-based family benefit
BEN_EXTRA | P | Täiendava sotsiaaltoetuse määramine | Award a supplementary social benefit
BEN_FUNERAL | P | Matusetoetuse määramine | Award the funeral benefit
BEN_PAYMENT_APPROVE | M | Toetuste väljamaksete kinnitamine | Approve benefit payments
## Lastekaitse
CP_VIEW | P | Lastekaitsejuhtumite vaatamine | View child protection cases
CP_NOTICE | P | Abivajava lapse teate registreerimine | Register a notice of a child in need
CP_CASE | P | Lastekaitsejuhtumi menetlemine | Handle a child protection case
CP_ADOPTION | P | Lapsendamise menetlemine | Handle an adoption
CP_GUARDIANSHIP | P | Eestkoste menetlemine | Handle a guardianship
CP_SUBSTITUTE_CARE | P | Asendushoolduse korraldamine | Arrange substitute care
CP_ASSESSMENT | P | Lapse heaolu hindamine | Assess a child's well-being
## Ohvriabi
VS_VIEW | P | Ohvriabi juhtumite vaatamine | View victim support cases
VS_CASE | P | Ohvriabi juhtumi menetlemine | Handle a victim support case
VS_COMPENSATION | M | Ohvriabi hüvitise otsustamine | Decide victim support compensation
VS_REFERRAL | P | Ohvri suunamine teenusele | Refer a victim to a service
## Juhtumiplaanid
NEED_ASSESS | P | Abivajaduse hindamine | Assess the need for help
PLAN_VIEW | P | Juhtumiplaanide vaatamine | View case plans
PLAN_CREATE | P | Juhtumiplaani koostamine | Prepare a case plan
PLAN_APPROVE | - | Juhtumiplaani kinnitamine | Approve a case plan
PLAN_CLOSE | - | Juhtumiplaani lõpetamine | Close a case plan
PLAN_REVIEW | - | Juhtumiplaani ülevaatamine | Review a case plan
## X-tee päringud
XTEE_POPULATION | P | Rahvastikuregistri päring | Population register query
XTEE_EDUCATION | P | Hariduse infosüsteemi päring | Education information system query
XTEE_EMPLOYMENT | P | Töötamise registri päring | Employment register query
XTEE_SKAIS | P | SKAIS-i pensioni- ja toetusandmete päring | SKAIS pension and benefit query
## Aruanded
REP_STATS | - | Statistika vaatamine | View statistics
REP_MUNICIPALITY | - | Omavalitsuse koondaruanded | Municipality summary reports
REP_EXPORT | P | Aruannete eksport isikuandmetega | Export reports with personal data
REP_NATIONAL | - | Riikliku statistika aruanded | National statistics reports
REP_PROVIDER_COSTS | - | Teenuseosutajate kuluaruannete koond | Summary of providers' cost reports
## Klassifikaatorid
STAR_CLS_VIEW | - | Klassifikaatorite vaatamine | View classifiers
STAR_CLS_EDIT | - | Klassifikaatori muutmine | Edit a classifier
STAR_CLS_APPROVE | A | Klassifikaatori muudatuse kinnitamine | Approve a classifier change
## Administreerimine
STAR_ADM_USERS | A | Kasutajate haldamine | Manage users
STAR_ADM_ORGS | A | Asutuste ja omavalitsuste haldamine | Manage organisations and municipalities
STAR_ADM_GRANT | A | Kasutajaprofiili andmine | Grant a user profile
STAR_ADM_LOG | A | Logide vaatamine | View the logs
"""

SENSITIVITY = {"-": "none", "P": "personal_data", "M": "payments", "A": "admin"}


def catalogue_rows(text: str) -> list[tuple[str, str, str, str, str]]:
    """(code, Estonian name, English name, module, sensitivity) of a catalogue above."""
    rows, module = [], ""
    for line in text.strip().splitlines():
        if line.startswith("## "):
            module = line[3:].strip()
            continue
        code, sensitivity, name_et, name_en = (part.strip() for part in line.split("|"))
        rows.append((code, name_et, name_en, module, SENSITIVITY[sensitivity]))
    return rows


# --- profiles ------------------------------------------------------------------------------------

# "SYSTEM:CODE | owner (demo user) | name | job positions", then "purpose: …", "rights: …" and
# optionally "includes: …" (profiles of the same system, defined above). An owner who is not a
# demo user is replaced by the system actor.
PROFILES = """
SKAIS:PENS_VIEWER | domain_support | Pensionide vaataja | nõustaja
  purpose: Pensioniandmete vaatamine klientide nõustamiseks.
  rights: PENS_REG_VIEW PENS_APP_VIEW INTL_VIEW CLS_VIEW PIR_SOCIAL_TAX_VIEW PIR_FUNDED_VIEW
SKAIS:PENS_SPEC | domain_support | Pensionispetsialist | pensionispetsialist
  purpose: Pensionitaotluste menetlemine ja pensionide määramine.
  rights: PENS_APP_REGISTER PENS_CALC PENS_RECALC PENS_REG_EDIT PENS_OLD_AGE PENS_EARLY PENS_DEFERRED
    PENS_FAVOURABLE PENS_LONG_SERVICE PENS_SURVIVOR PENS_NATIONAL PIR_EXTRACT
  includes: PENS_VIEWER
SKAIS:PENS_SENIOR | domain_support | Pensionide juhtivspetsialist | juhtivspetsialist, osakonnajuhataja
  purpose: Pensioniotsuste kinnitamine, maksmise peatamine ja välisriigi juhtumid.
  rights: PENS_DECIDE PENS_SUSPEND PENS_WITHHOLD INTL_PERIODS INTL_FORMS INTL_PAY
  includes: PENS_SPEC
SKAIS:PENS_INDEX | admin | Pensionide indekseerija |
  purpose: Pensionide iga-aastase indekseerimise käivitamine 1. aprillil.
  rights: PENS_INDEX ADM_BATCH PIR_MTA_LOAD
SKAIS:FAM_VIEWER | domain_support | Perehüvitiste vaataja | nõustaja
  purpose: Perehüvitiste andmete vaatamine.
  rights: FAM_CHILD_VIEW FAM_LARGE_VIEW FAM_SINGLE_VIEW FAM_PARENTAL_VIEW FAM_BIRTH_VIEW FAM_ADOPTION_VIEW
    FAM_MAINTENANCE_VIEW FAM_FOSTER_VIEW CLS_VIEW
SKAIS:FAM_SPEC | domain_support | Perehüvitiste spetsialist | perehüvitiste spetsialist
  purpose: Perehüvitiste taotluste menetlemine ja hüvitiste määramine.
  rights: FAM_APP_REGISTER FAM_RECALC FAM_CHILD_DECIDE FAM_LARGE_DECIDE FAM_SINGLE_DECIDE FAM_PARENTAL_DECIDE
    FAM_BIRTH_DECIDE FAM_ADOPTION_DECIDE FAM_MAINTENANCE_DECIDE FAM_FOSTER_DECIDE
  includes: FAM_VIEWER
SKAIS:DIS_SPEC | domain_support | Puuetega inimeste toetuste spetsialist | toetuste spetsialist
  purpose: Puuetega inimeste sotsiaaltoetuste määramine.
  rights: DIS_VIEW DIS_CHILD DIS_WORKING_AGE DIS_PENSION_AGE DIS_STUDY DIS_PARENT CLS_VIEW
SKAIS:PAY_VIEWER | finance | Väljamaksete vaataja | finantsspetsialist
  purpose: Väljamaksete ja tagastatud maksete vaatamine.
  rights: PAY_RUN_VIEW PAY_RETURN_VIEW FIN_LEDGER_VIEW
SKAIS:PAY_CREATE | finance | Väljamaksete koostaja | maksespetsialist
  purpose: Maksepäeva väljamaksete koostamine ja maksefailide saatmine panka.
  rights: PAY_RUN_CREATE PAY_FILE_SEND PAY_STATEMENT_LOAD PAY_RETURN_PROCESS
  includes: PAY_VIEWER
SKAIS:PAY_APPROVE | finance | Väljamaksete kinnitaja | finantsjuht
  purpose: Väljamaksete kinnitamine ja peatamine.
  rights: PAY_RUN_APPROVE PAY_PERSON_APPROVE PAY_STOP PAY_CALENDAR
  includes: PAY_VIEWER
SKAIS:BANK_ACCOUNTS | finance | Arvelduskontode haldur | klienditeenindaja
  purpose: Isikute arvelduskontode muutmine isiku taotluse alusel.
  rights: PAY_BANK_ACCOUNT PENS_REG_VIEW
SKAIS:OVERPAY_SPEC | finance | Enammaksete spetsialist | enammaksete spetsialist
  purpose: Enammaksete registreerimine, tagasinõuded, ajatamine ja tasaarvestus.
  rights: OVERPAY_VIEW OVERPAY_REGISTER OVERPAY_DECIDE OVERPAY_INSTALMENT OVERPAY_OFFSET OVERPAY_NOTICE
SKAIS:OVERPAY_WRITEOFF | finance | Enammaksete mahakandja | pearaamatupidaja
  purpose: Lootusetute ja aegunud nõuete mahakandmine.
  rights: OVERPAY_VIEW OVERPAY_WRITE_OFF OVERPAY_LIMITATION
SKAIS:FIN_REPORTS | finance | Finantsaruannete koostaja | raamatupidaja
  purpose: Kuuaruanded, saldoandmik ja eelarve täitmise jälgimine.
  rights: FIN_LEDGER_VIEW FIN_MONTHLY FIN_TRIAL_BALANCE FIN_RECONCILE FIN_BUDGET_VIEW FIN_EXPORT
    FIN_RECEIVABLES
SKAIS:CLS_EDITOR | domain_support | Klassifikaatorite haldur | valdkonna tugispetsialist
  purpose: Klassifikaatorite muutmine ja muudatustaotluste koostamine.
  rights: CLS_VIEW CLS_EDIT CLS_CR_CREATE
SKAIS:CLS_APPROVER | admin | Klassifikaatorite muudatuste kinnitaja | arendusjuht
  purpose: Muudatustaotluste kinnitamine ja klassifikaatori versioonide avaldamine.
  rights: CLS_VIEW CLS_CR_APPROVE CLS_PUBLISH
SKAIS:ADMIN | admin | SKAIS-i administraator | süsteemiadministraator
  purpose: Kasutajakontode, profiilide andmise ja süsteemi parameetrite haldamine.
  rights: ADM_USER_VIEW ADM_USER_MANAGE ADM_PROFILE_GRANT ADM_AUDIT_LOG ADM_PARAMS ADM_XTEE
SKAIS:ACCESS_APPROVER | admin | Õiguste taotluste kinnitaja | infoturbejuht
  purpose: Kasutajaõiguste taotluste kinnitamine.
  rights: ADM_USER_VIEW ADM_REQUEST_APPROVE
SKAIS:CUSTOMER_SERVICE | domain_support | Klienditeenindaja | klienditeenindaja
  purpose: Klientide nõustamine ja taotluste vastuvõtmine.
  rights: PENS_APP_REGISTER FAM_APP_REGISTER PAY_RUN_VIEW
  includes: PENS_VIEWER FAM_VIEWER
STAR:BASE | domain_support | STAR-i põhikasutaja | sotsiaalnõunik
  purpose: Menetluste, teenuste, toetuste ja juhtumiplaanide vaatamine.
  rights: CASE_VIEW SRV_VIEW BEN_VIEW PLAN_VIEW STAR_CLS_VIEW XTEE_POPULATION
STAR:SOCIAL_WORKER | domain_support | KOV sotsiaaltöötaja | sotsiaaltöötaja
  purpose: Teenuste ja toetuste menetlemine omavalitsuses.
  rights: CASE_CREATE CASE_EDIT CASE_CLOSE CASE_TRANSFER NEED_ASSESS PLAN_CREATE PLAN_CLOSE BEN_SUBSISTENCE
    BEN_NEEDS_FAMILY BEN_EXTRA BEN_FUNERAL XTEE_EMPLOYMENT XTEE_SKAIS SRV_HOME_CARE SRV_ASSISTANT
    SRV_SUPPORT_PERSON SRV_TRANSPORT SRV_HOUSING SRV_SHELTER SRV_SAFE_HOUSE SRV_GENERAL_CARE
    SRV_SUBSTITUTE_HOME SRV_AFTERCARE SRV_DEBT_COUNSEL SRV_CHILDCARE CASE_DOCS_SIGN CASE_CONTACTS PLAN_REVIEW
  includes: BASE
STAR:CHILD_PROTECTION | domain_support | Lastekaitsetöötaja | lastekaitsespetsialist
  purpose: Lastekaitsejuhtumid, lapsendamine, eestkoste ja asendushooldus.
  rights: CP_VIEW CP_NOTICE CP_CASE CP_ADOPTION CP_GUARDIANSHIP CP_SUBSTITUTE_CARE NEED_ASSESS PLAN_CREATE
    PLAN_APPROVE XTEE_EDUCATION CP_ASSESSMENT
  includes: BASE
STAR:VICTIM_SUPPORT | domain_support | Ohvriabitöötaja | ohvriabitöötaja
  purpose: Ohvriabi juhtumid ja hüvitised.
  rights: VS_VIEW VS_CASE VS_COMPENSATION NEED_ASSESS VS_REFERRAL
  includes: BASE
STAR:PAYMENT_APPROVER | finance | Toetuste väljamaksete kinnitaja | sotsiaalosakonna juhataja
  purpose: Toetuste väljamaksete ja teenuseosutajate kuluaruannete kinnitamine.
  rights: BEN_PAYMENT_APPROVE SRV_COST_REPORT SRV_PROVIDERS SRV_PRICES
  includes: BASE
STAR:REPORTS | test_manager | STAR-i aruandlus | analüütik, osakonnajuhataja
  purpose: Statistika ja koondaruanded.
  rights: REP_STATS REP_MUNICIPALITY REP_EXPORT REP_NATIONAL REP_PROVIDER_COSTS
STAR:ADMIN | admin | STAR-i administraator | süsteemiadministraator
  purpose: Kasutajate, asutuste ja klassifikaatorite haldamine.
  rights: STAR_ADM_USERS STAR_ADM_ORGS STAR_ADM_GRANT STAR_ADM_LOG STAR_CLS_EDIT
STAR:LEGACY_BENEFITS | domain_support | Vana toetuste profiil (2019) |
  purpose: Enne 2020. aasta ümberkorraldust kasutatud profiil; asendatud profiiliga SOCIAL_WORKER.
  rights: BEN_VIEW BEN_SUBSISTENCE
"""


@dataclass(frozen=True)
class ProfileSpec:
    system: str
    code: str
    owner: str
    name: str
    positions: str
    purpose: str
    rights: tuple[str, ...]
    includes: tuple[str, ...]


def profile_specs(text: str = PROFILES) -> list[ProfileSpec]:
    specs: list[ProfileSpec] = []
    head: list[str] = []
    fields: dict[str, str] = {}
    last = ""

    def flush() -> None:
        if head:
            system, code = head[0].split(":")
            specs.append(
                ProfileSpec(
                    system=system,
                    code=code,
                    owner=head[1],
                    name=head[2],
                    positions=head[3],
                    purpose=fields.get("purpose", ""),
                    rights=tuple(fields.get("rights", "").split()),
                    includes=tuple(fields.get("includes", "").split()),
                )
            )

    for line in text.strip().splitlines():
        if not line.startswith(" "):
            flush()
            head, fields, last = [part.strip() for part in line.split("|")], {}, ""
        elif ":" in line.split()[0]:
            last, value = line.strip().split(":", 1)
            fields[last] = value.strip()
        else:
            fields[last] += " " + line.strip()
    flush()
    return specs


# --- segregation of duties ----------------------------------------------------------------------

# code | name | description | side A rights | side B rights
POLICIES = """
makse-koostamine-kinnitamine | Väljamaksete koostamine ja kinnitamine | Maksepäeva väljamaksete koostaja ei tohi sama väljamakset kinnitada. | SKAIS:PAY_RUN_CREATE | SKAIS:PAY_RUN_APPROVE
enammakse-otsus-mahakandmine | Enammakse otsustamine ja mahakandmine | Tagasinõude otsustaja ei kanna sama nõuet maha. | SKAIS:OVERPAY_DECIDE | SKAIS:OVERPAY_WRITE_OFF
arvelduskonto-ja-maksed | Arvelduskonto muutmine ja väljamaksete kinnitamine | Isiku arvelduskonto muutja ei kinnita samale isikule tehtavaid väljamakseid. | SKAIS:PAY_BANK_ACCOUNT | SKAIS:PAY_PERSON_APPROVE
klassifikaatori-muutmine-kinnitamine | Klassifikaatori muutmine ja muudatuse kinnitamine | Klassifikaatori muutja ei kinnita oma muudatustaotlust. | SKAIS:CLS_EDIT STAR:STAR_CLS_EDIT | SKAIS:CLS_CR_APPROVE STAR:STAR_CLS_APPROVE
profiili-andmine-taotluse-kinnitamine | Profiili andmine ja taotluse kinnitamine | Kes annab kasutajale profiili, ei kinnita sama õiguste taotlust. | SKAIS:ADM_PROFILE_GRANT STAR:STAR_ADM_GRANT | SKAIS:ADM_REQUEST_APPROVE
"""  # noqa: E501 - one policy a line

# --- organisation ---------------------------------------------------------------------------------

AGENCY = "sotsiaalkindlustusamet.example.com"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    head_position: str
    head_profiles: tuple[str, ...]
    staff: tuple[tuple[str, tuple[str, ...], int], ...]  # (position, profiles, how many)


UNITS = [
    UnitSpec("pensionide-osakond", "Pensionide osakond", OrgUnitKind.DEPARTMENT, "osakonnajuhataja",
             ("SKAIS:PENS_SENIOR",),
             (("pensionispetsialist", ("SKAIS:PENS_SPEC",), 40),
              ("juhtivspetsialist", ("SKAIS:PENS_SENIOR",), 12),
              ("nõustaja", ("SKAIS:PENS_VIEWER",), 7))),
    UnitSpec("perehuvitiste-osakond", "Perehüvitiste osakond", OrgUnitKind.DEPARTMENT, "osakonnajuhataja",
             ("SKAIS:FAM_SPEC", "SKAIS:DIS_SPEC"),
             (("perehüvitiste spetsialist", ("SKAIS:FAM_SPEC",), 30),
              ("toetuste spetsialist", ("SKAIS:DIS_SPEC",), 12),
              ("nõustaja", ("SKAIS:FAM_VIEWER",), 7))),
    UnitSpec("finantsosakond", "Finantsosakond", OrgUnitKind.DEPARTMENT, "osakonnajuhataja",
             ("SKAIS:FIN_REPORTS", "SKAIS:PAY_VIEWER"),
             (("maksespetsialist", ("SKAIS:PAY_CREATE",), 7),
              ("finantsjuht", ("SKAIS:PAY_APPROVE",), 4),
              ("enammaksete spetsialist", ("SKAIS:OVERPAY_SPEC",), 6),
              ("pearaamatupidaja", ("SKAIS:OVERPAY_WRITEOFF",), 2),
              ("raamatupidaja", ("SKAIS:FIN_REPORTS",), 5))),
    UnitSpec("lastekaitse-osakond", "Lastekaitse osakond", OrgUnitKind.DEPARTMENT, "osakonnajuhataja",
             ("STAR:CHILD_PROTECTION", "STAR:REPORTS"),
             (("lastekaitsespetsialist", ("STAR:CHILD_PROTECTION",), 29),)),
    UnitSpec("ohvriabi-osakond", "Ohvriabi osakond", OrgUnitKind.DEPARTMENT, "osakonnajuhataja",
             ("STAR:VICTIM_SUPPORT", "STAR:REPORTS"),
             (("ohvriabitöötaja", ("STAR:VICTIM_SUPPORT",), 19),)),
    UnitSpec("klienditeeninduse-osakond", "Klienditeeninduse osakond", OrgUnitKind.DEPARTMENT,
             "osakonnajuhataja", ("SKAIS:CUSTOMER_SERVICE",),
             (("klienditeenindaja", ("SKAIS:CUSTOMER_SERVICE",), 36),
              ("klienditeenindaja", ("SKAIS:CUSTOMER_SERVICE", "SKAIS:BANK_ACCOUNTS"), 8))),
    UnitSpec("arendusosakond", "Arendusosakond", OrgUnitKind.DEPARTMENT, "osakonnajuhataja",
             ("STAR:REPORTS",),
             (("süsteemiadministraator", ("SKAIS:ADMIN",), 2),
              ("süsteemiadministraator", ("STAR:ADMIN",), 2),
              ("valdkonna tugispetsialist", ("SKAIS:CLS_EDITOR", "STAR:REPORTS"), 3),
              ("arendusjuht", ("SKAIS:CLS_APPROVER",), 1),
              ("infoturbejuht", ("SKAIS:ACCESS_APPROVER",), 1))),
]  # fmt: skip
MUNICIPALITIES = [
    ("tallinna-linn", "Tallinna linn", 40),
    ("tartu-linn", "Tartu linn", 25),
    ("parnu-linn", "Pärnu linn", 15),
    ("narva-linn", "Narva linn", 15),
    ("rae-vald", "Rae vald", 10),
    ("viimsi-vald", "Viimsi vald", 10),
    ("saaremaa-vald", "Saaremaa vald", 12),
    ("viljandi-vald", "Viljandi vald", 11),
    ("haapsalu-linn", "Haapsalu linn", 11),
    ("rakvere-linn", "Rakvere linn", 11),
]
for _code, _name, _count in MUNICIPALITIES:
    _child, _assist = max(1, (_count - 1) // 4), max(1, (_count - 1) // 6)
    UNITS.append(
        UnitSpec(
            _code,
            _name,
            OrgUnitKind.MUNICIPALITY,
            "sotsiaalosakonna juhataja",
            ("STAR:PAYMENT_APPROVER", "STAR:REPORTS"),
            (
                ("sotsiaaltöötaja", ("STAR:SOCIAL_WORKER",), _count - 1 - _child - _assist),
                ("lastekaitsespetsialist", ("STAR:CHILD_PROTECTION",), _child),
                ("sotsiaalnõunik", ("STAR:BASE",), _assist),
            ),
        )
    )

# the demo users who head a unit: their account is linked to their Tugi user, so that they
# approve their staff's requests and review their staff's access
HEADS = {
    "pensionide-osakond": "domain_support",
    "perehuvitiste-osakond": "test_manager",
    "finantsosakond": "finance",
    "arendusosakond": "admin",
}

CAMPAIGN_RUNNING = "SKAIS-i tundlike õiguste ülevaatus"
CAMPAIGN_CLOSED = "Ohvriabi osakonna STAR-i õiguste ülevaatus"

GUIDE_SLUG = "kasutajaoiguste-haldus"
GUIDE_TITLE = "Kasutajaõiguste haldus STAR-is ja SKAIS-is"
GUIDE_BODY = """## Eesmärk

Kasutajaõigused on sobitatud töökohustustega: igaüks saab oma tööks vajalikud õigused ja mitte
rohkem. Õigused antakse **kasutajaprofiilidena** (õiguste komplektidena), mitte üksikõigustena.

## Osalejad

| roll | ülesanne |
|---|---|
| taotleja (töötaja või tema juht) | esitab õiguste taotluse Tugis ja põhjendab vajadust |
| vahetu juht | kinnitab, et õigused on tööks vajalikud |
| profiili omanik | kinnitab, et profiil sobib ametikohale |
| infoturve | kinnitab tundlike õiguste (isikuandmed, väljamaksed, administreerimine) andmise |
| valdkonna tugi | hoiab profiilid ja protsessi ajakohasena, lahendab õiguste probleeme |

## Õiguste taotlemine

1. Taotleja valib Tugis konto ja profiili ning märgib kehtivuse alguse (vajadusel lõpu).
2. Tugi kontrollib kohe **kohustuste lahusust**; konflikt on kinnitajatele nähtav.
3. Kinnitavad järjest: vahetu juht, profiili omanik ja tundlike õiguste korral infoturve.
   Keegi ei kinnita oma taotlust ega oma õigusi.
4. Viimase kinnituse järel on profiil kontol kehtiv; ajaline õigus lõpeb ise.

## Muudatused ja lahkumine

- **Uus töötaja:** konto tuleb personaliandmetest, õigused taotlusega.
- **Ametikoha või üksuse muutus:** kõik kehtivad õigused märgitakse ülevaatamiseks; juht
  otsustab, mis jääb.
- **Lahkumine:** kõik õigused lõpevad lahkumise päeval.

## Kohustuste lahusus

Ühel inimesel ei tohi koos olla näiteks väljamakse koostamise ja kinnitamise õigus, enammakse
otsustamise ja mahakandmise õigus, arvelduskonto muutmise ja maksete kinnitamise õigus,
klassifikaatori muutmise ja muudatuse kinnitamise õigus ega profiili andmise ja taotluse
kinnitamise õigus. Erand vajab infoturbe otsust, põhjendust ja lõppkuupäeva.

## Korraline ülevaatus

Vähemalt kaks korda aastas korraldab valdkonna tugi **ülevaatuse** (resertifitseerimise):
juhid või profiilide omanikud kinnitavad või tühistavad iga õiguse. Tühistatud õigused lõpevad
ülevaatuse lõpetamisel; üle vaatamata jäänud õigused on aruandes eraldi välja toodud.

## Probleemid

Kui kasutaja ei saa midagi teha (või saab, kuigi ei tohiks), registreeri probleem Tugis.
Tugi salvestab selle hetke selgituse (millise profiili kaudu õigus tuleb või miks seda pole).
Süsteemi vea korral edasta probleem TEHIK-ule ja märgi nende pöördumise number.
"""

# --- the loader ------------------------------------------------------------------------------------


def _username(first: str, last: str, used: set[str]) -> str:
    base = f"{first}.{last}".lower()
    for a, b in (("õ", "o"), ("ä", "a"), ("ö", "o"), ("ü", "u"), ("š", "s"), ("ž", "z")):
        base = base.replace(a, b)
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}{n}"
    used.add(name)
    return name


@dataclass
class Person:
    username: str
    first: str
    last: str
    unit: str
    position: str
    manager: str
    profiles: tuple[str, ...]
    email: str


def demo_people(users: dict[str, Any], seed: int = SEED) -> list[Person]:
    """The invented staff of every unit, the unit's head first (deterministic for a seed)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    used = {u.lower() for u in users}
    people: list[Person] = []
    for unit in UNITS:
        code = unit.code
        domain = AGENCY if unit.kind == OrgUnitKind.DEPARTMENT else f"{code}.example.com"
        first, last = rng.choice(FIRST_NAMES_F + FIRST_NAMES_M), rng.choice(LAST_NAMES)
        head_user = users.get(HEADS.get(code, ""))
        if head_user is not None and head_user.first_name and head_user.last_name:
            first, last = head_user.first_name, head_user.last_name  # the demo user's own account
        head = _username(first, last, used)
        people.append(
            Person(head, first, last, code, unit.head_position, "", unit.head_profiles, f"{head}@{domain}")
        )
        for position, profiles, count in unit.staff:
            for _ in range(count):
                first = rng.choice(FIRST_NAMES_F if rng.random() < 0.7 else FIRST_NAMES_M)
                last = rng.choice(LAST_NAMES)
                username = _username(first, last, used)
                people.append(
                    Person(username, first, last, code, position, head, profiles, f"{username}@{domain}")
                )
    return people


def _hr_file(people: list[Person]) -> bytes:
    lines = ["employee_id;username;first_name;last_name;email;org_unit;position;manager;status;left_on"]
    for n, p in enumerate(people, start=1):
        fields = [f"E{10000 + n}", p.username, p.first, p.last, p.email, p.unit, p.position, p.manager]
        lines.append(";".join([*fields, "active", ""]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _catalogue_csv(rights: list[tuple[str, str, str, str, str]]) -> bytes:
    lines = ["code;name_et;name_en;description;module;sensitivity"]
    lines += [f"{code};{et};{en};;{module};{sensitivity}" for code, et, en, module, sensitivity in rights]
    return ("\n".join(lines) + "\n").encode("utf-8")


class Loader:
    def __init__(self, actor: Any, stdout: Any):
        self.actor = actor
        self.stdout = stdout
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
        user_model = get_user_model()
        self.users = {
            u.username: u for u in user_model.objects.filter(is_active=True).exclude(username="system")
        }
        self.counts: dict[str, int] = {}

    def user(self, username: str) -> Any:
        return self.users.get(username) or self.actor

    def say(self, text: str) -> None:
        self.stdout.write(f"  {text}\n")

    # each step creates only what is missing

    def systems(self) -> dict[str, ManagedSystem]:
        from .services.catalogue import catalogue_import, system_create

        systems = {}
        for code, name, description in SYSTEMS:
            system = ManagedSystem.objects.filter(code=code).first()
            if system is None:
                system = system_create(
                    code=code, name=name, description=description, actor=self.actor, reason=REASON
                )
            rights = catalogue_rows(SKAIS_CATALOGUE if code == "SKAIS" else STAR_CATALOGUE)
            if not Right.objects.filter(system=system).exists():
                catalogue_import(
                    system=system, content=_catalogue_csv(rights), fmt="csv", actor=self.actor, reason=REASON
                )
            systems[code] = system
        return systems

    def profiles(self, systems: dict[str, ManagedSystem]) -> dict[str, Profile]:
        from .services import profiles as profile_services

        rights = {f"{r.system.code}:{r.code}": r for r in Right.objects.select_related("system")}
        found = {f"{p.system.code}:{p.code}": p for p in Profile.objects.select_related("system")}
        for spec in profile_specs():
            key = f"{spec.system}:{spec.code}"
            profile = found.get(key)
            if profile is None:
                profile = profile_services.profile_create(
                    system=systems[spec.system],
                    code=spec.code,
                    name=spec.name,
                    owner=self.user(spec.owner),
                    purpose=spec.purpose,
                    positions=spec.positions,
                    actor=self.actor,
                    reason=REASON,
                )
                profile_services.profile_draft_content_set(
                    profile=profile,
                    rights=[rights[f"{spec.system}:{code}"] for code in spec.rights],
                    includes=[found[f"{spec.system}:{code}"] for code in spec.includes],
                    actor=self.actor,
                    reason=REASON,
                )
            if profile.status == ProfileStatus.DRAFT:
                profile = profile_services.profile_activate(profile=profile, actor=self.actor, reason=REASON)
            found[key] = profile
        return found

    def policies(self) -> None:
        from .services.sod import sod_policy_create

        rights = {f"{r.system.code}:{r.code}": r for r in Right.objects.select_related("system")}
        for line in POLICIES.strip().splitlines():
            code, name, description, side_a, side_b = (part.strip() for part in line.split("|"))
            if SodPolicy.objects.filter(code=code).exists():
                continue
            sod_policy_create(
                code=code,
                name=name,
                description=description,
                rights_a=[rights[k] for k in side_a.split()],
                rights_b=[rights[k] for k in side_b.split()],
                actor=self.actor,
                reason=REASON,
            )

    def units(self) -> None:
        from .services.people import org_unit_create

        known = set(OrgUnit.objects.values_list("code", flat=True))
        for unit in UNITS:
            if unit.code not in known:
                org_unit_create(
                    code=unit.code, name=unit.name, kind=unit.kind, actor=self.actor, reason=REASON
                )

    def people(self, profiles: dict[str, Profile]) -> bool:
        """Accounts from one HR file, links to the demo users, and assignments. False if there."""
        from .services.assignments import assignment_create
        from .services.people import account_update, hr_import

        if Account.objects.filter(org_unit__code__in=[u.code for u in UNITS]).exists():
            return False
        people = demo_people(self.users)
        hr_import(content=_hr_file(people), actor=self.actor, reason=REASON)
        accounts = {a.username: a for a in Account.objects.filter(username__in=[p.username for p in people])}
        for person in people:
            username = HEADS.get(person.unit) if not person.manager else None
            if username and username in self.users:
                account_update(
                    account=accounts[person.username],
                    user=self.users[username],
                    actor=self.actor,
                    reason=REASON,
                )
        approver = self.user("domain_support")
        started = 0
        for person in people:
            for key in person.profiles:
                valid_from = self.today - dt.timedelta(days=self.rng.randrange(30, 2000))
                valid_to = None
                if self.rng.random() < 0.08:  # time-bound access, some of it ending soon
                    valid_to = self.today + dt.timedelta(days=self.rng.randrange(3, 90))
                assignment_create(
                    account=accounts[person.username],
                    profile=profiles[key],
                    valid_from=valid_from,
                    valid_to=valid_to,
                    justification=f"Ametikoha {person.position} tööülesanded",
                    requested_by=approver,
                    approved_by=approver,
                    actor=self.actor,
                    reason=REASON,
                )
                started += 1
        self.counts["assignments"] = started
        self.counts["accounts"] = len(people)
        self._changes(people, accounts, profiles)
        return True

    def _changes(
        self, people: list[Person], accounts: dict[str, Account], profiles: dict[str, Profile]
    ) -> None:
        """A breaker of segregation of duties, two leavers and a mover."""
        from .services.assignments import assignment_create
        from .services.people import account_leave, account_update
        from .services.sod import violations_record

        payers = [p for p in people if p.unit == "finantsosakond" and p.profiles == ("SKAIS:PAY_CREATE",)]
        breaker = accounts[payers[0].username]
        approver = self.user("finance")
        assignment_create(
            account=breaker,
            profile=profiles["SKAIS:PAY_APPROVE"],
            valid_from=self.today - dt.timedelta(days=20),
            valid_to=None,
            justification="Asendab puhkuse ajal finantsjuhti",
            requested_by=approver,
            approved_by=approver,
            actor=self.actor,
            reason=REASON,
        )
        violations_record(account_ids=[breaker.pk], actor=self.actor)
        workers = [p for p in people if p.position == "pensionispetsialist"]
        for person in workers[-2:]:
            account_leave(
                account=accounts[person.username],
                left_on=self.today - dt.timedelta(days=self.rng.randrange(5, 40)),
                actor=self.actor,
                reason=REASON,
            )
        mover = next(p for p in people if p.unit == "klienditeeninduse-osakond" and p.manager)
        account_update(
            account=accounts[mover.username],
            org_unit=OrgUnit.objects.get(code="perehuvitiste-osakond"),
            position="perehüvitiste spetsialist",
            manager=accounts[next(p.username for p in people if p.unit == "perehuvitiste-osakond")],
            actor=self.actor,
            reason=REASON,
        )

    def campaigns(self, systems: dict[str, ManagedSystem]) -> None:
        from .services import campaigns as campaign_services

        owner = self.user("domain_support")
        if not Campaign.objects.filter(name=CAMPAIGN_CLOSED).exists():
            closed = campaign_services.campaign_create(
                name=CAMPAIGN_CLOSED,
                system=systems["STAR"],
                org_unit=OrgUnit.objects.get(code="ohvriabi-osakond"),
                reviewer_kind=ReviewerKind.OWNER,
                deadline=self.today + dt.timedelta(days=1),
                actor=owner,
                reason=REASON,
            )
            closed = campaign_services.campaign_open(campaign=closed, actor=owner, reason=REASON)
            self._decide(closed, confirm=0.85, revoke=1)
            campaign_services.campaign_close(campaign=closed, actor=owner, reason=REASON)
        if not Campaign.objects.filter(name=CAMPAIGN_RUNNING).exists():
            # run by the administrator, whose own account holds nothing in scope: every item
            # without a reviewer goes to the campaign's creator, who must not review themself
            owner = self.user("admin")
            running = campaign_services.campaign_create(
                name=CAMPAIGN_RUNNING,
                system=systems["SKAIS"],
                sensitive_only=True,
                reviewer_kind=ReviewerKind.MANAGER,
                deadline=self.today + dt.timedelta(days=6),
                actor=owner,
                reason=REASON,
            )
            running = campaign_services.campaign_open(campaign=running, actor=owner, reason=REASON)
            self._decide(running, confirm=0.4, revoke=2)

    def _decide(self, campaign: Campaign, *, confirm: float, revoke: int) -> None:
        """Reviewers (demo users only) confirm a share of their items and revoke a few."""
        from .services.campaigns import campaign_item_decide

        items = list(
            CampaignItem.objects.filter(campaign=campaign, reviewer__username__in=list(self.users))
            .select_related("reviewer")
            .order_by("pk")
        )
        comments = [
            "Töötaja on üle viidud teisele ametikohale",
            "Õigust pole viimase aasta jooksul kasutatud",
        ]
        for n, item in enumerate(items):
            if n < revoke:
                campaign_item_decide(
                    item=item, decision=ReviewDecision.REVOKED, comment=comments[n % 2], actor=item.reviewer
                )
            elif self.rng.random() < confirm:
                campaign_item_decide(item=item, decision=ReviewDecision.CONFIRMED, actor=item.reviewer)

    def requests(self, profiles: dict[str, Profile]) -> None:
        """A few open access requests waiting for the demo users (as managers or in their role)."""
        from .services.requests import request_create

        wanted = [
            (
                "test_manager",
                "pensionide-osakond",
                "pensionispetsialist",
                "SKAIS:PENS_SENIOR",
                "Asendab juhtivspetsialisti lapsehoolduspuhkuse ajal",
            ),
            (
                "domain_support",
                "perehuvitiste-osakond",
                "perehüvitiste spetsialist",
                "SKAIS:DIS_SPEC",
                "Hakkab menetlema ka puuetega inimeste toetusi",
            ),
            (
                "domain_support",
                "finantsosakond",
                "enammaksete spetsialist",
                "SKAIS:OVERPAY_WRITEOFF",
                "Aastalõpu nõuete inventuur",
            ),
            (
                "test_manager",
                "tartu-linn",
                "sotsiaalnõunik",
                "STAR:CHILD_PROTECTION",
                "Lastekaitsespetsialisti ametikoht, alates järgmisest kuust",
            ),
        ]
        for requester, unit, position, profile_key, justification in wanted:
            actor = self.users.get(requester)
            if actor is None:
                continue
            profile = profiles[profile_key]
            candidates = Account.objects.filter(
                org_unit__code=unit, position=position, status="active", manager__isnull=False
            ).order_by("username")
            if AccessRequest.objects.filter(profile=profile, account__in=candidates).exists():
                continue
            account = next(
                (a for a in candidates if not a.assignments.filter(profile=profile).exists()), None
            )
            if account is None:
                continue
            request_create(
                account=account,
                profile=profile,
                valid_from=self.today + dt.timedelta(days=3),
                valid_to=None,
                justification=justification,
                actor=actor,
                reason=REASON,
            )

    def problems(self, systems: dict[str, ManagedSystem]) -> None:
        from .services import problems as problem_services

        if AccessProblem.objects.exists():
            return
        reporter = self.user("domain_support")
        accounts = list(
            Account.objects.filter(status="active").select_related("org_unit").order_by("username")
        )
        rights = {f"{r.system.code}:{r.code}": r for r in Right.objects.select_related("system")}

        def in_unit(unit: str, position: str, n: int = 0) -> Account:
            return [a for a in accounts if a.org_unit.code == unit and a.position == position][n]

        reports = [
            (
                in_unit("tartu-linn", "sotsiaaltöötaja", 3),
                "STAR:CP_CASE",
                "Ei saa avada lastekaitsejuhtumit, nupp on hall.",
            ),
            (
                in_unit("narva-linn", "sotsiaaltöötaja", 2),
                "STAR:CP_CASE",
                "Lastekaitsejuhtumi menetlemine annab veateate.",
            ),
            (
                in_unit("rae-vald", "sotsiaalnõunik"),
                "STAR:CP_CASE",
                "Ei näe lastekaitse menüüd pärast ametikoha muutust.",
            ),
            (
                in_unit("klienditeeninduse-osakond", "klienditeenindaja", 5),
                "SKAIS:PAY_BANK_ACCOUNT",
                "Klient palus muuta arvelduskontot, aga salvestamine ei õnnestu.",
            ),
            (
                in_unit("pensionide-osakond", "juhtivspetsialist", 1),
                "SKAIS:PENS_DECIDE",
                "Juhtivspetsialist ei saa pensioniotsust kinnitada.",
            ),
        ]
        made = []
        for account, right_key, symptom in reports:
            made.append(
                problem_services.problem_report(
                    system=systems[right_key.split(":")[0]],
                    account=account,
                    right=rights[right_key],
                    symptom=symptom,
                    actor=reporter,
                    reason=REASON,
                )
            )
        problem_services.problem_update(
            problem=made[0],
            status="resolved",
            resolution="Kasutajale anti profiil CHILD_PROTECTION (taotlus kinnitatud).",
            actor=reporter,
            reason=REASON,
        )
        tehik = work_selectors.partners(user=self.actor).filter(short_name="TEHIK").first()
        if tehik is not None:
            problem_services.problem_forward(
                problem=made[4], partner=tehik, reference="SD-24817", actor=reporter, reason=REASON
            )
        problem_services.problem_report(
            system=systems["SKAIS"],
            symptom="SKAIS-i sisselogimine katkeb hommikuti.",
            actor=reporter,
            reason=REASON,
        )

    def guide(self) -> None:
        if work_selectors.guides(user=self.actor).filter(slug=GUIDE_SLUG).exists():
            return
        work_services.guide_create(
            slug=GUIDE_SLUG,
            title=GUIDE_TITLE,
            kind="process",
            area="access",
            body=GUIDE_BODY,
            owner=self.user("domain_support"),
            review_interval_days=365,
            last_reviewed_on=self.today - dt.timedelta(days=60),
            actor=self.actor,
            reason=REASON,
        )

    def run(self) -> None:
        started = time.monotonic()
        with transaction.atomic():
            systems = self.systems()
            self.units()
            profiles = self.profiles(systems)
            self.policies()
        with transaction.atomic():
            created = self.people(profiles)
        with transaction.atomic():
            self.campaigns(systems)
        with transaction.atomic():
            self.requests(profiles)
            self.problems(systems)
            self.guide()
        open_campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN).count()
        self.say(
            f"access: {ManagedSystem.objects.count()} systems, {Right.objects.count()} rights, "
            f"{Profile.objects.count()} profiles, {Account.objects.count()} accounts, "
            f"{Assignment.objects.count()} assignments, {open_campaigns} open campaign(s), "
            f"{AccessRequest.objects.count()} requests{'' if created else ' (already there)'} "
            f"in {time.monotonic() - started:.1f} s"
        )


def load_demo(actor: Any, stdout: Any) -> None:
    Loader(actor, stdout).run()
