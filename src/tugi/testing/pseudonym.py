"""Keyed pseudonymisation of CSV extracts (no Django: used by the page, the CLI and the benchmark).

Personal codes, names and IBANs are replaced with values chosen by HMAC-SHA256 under a key that
the user gives. The same key gives the same pseudonym for the same value in every file, so joins
still match; another key gives other values. The key is never written anywhere: the report holds
only ``key_id``, a short HMAC of a fixed text under the key, to tell which runs used one key.

What stays valid:

- a personal code becomes a valid personal code with the SAME birth date and sex; its serial
  (three digits, 0–999) comes from the HMAC of the code. Two codes of one birth date and sex may
  want the same serial: all codes of the extract are read first (first pass), the codes of one
  birth date and sex are sorted by their HMAC and take their preferred serial in that order, a
  code whose serial is taken takes the next free one (999 wraps to 0). The result depends only on
  the key and the set of codes, not on the order of files or rows; pseudonymise the files of one
  extract together (in runs over different sets of codes, a code whose preferred serial collides
  may get another pseudonym; one without a collision always gets the same). A code met only in
  the second pass takes the next free serial then; a pseudonym once given never changes. A value
  that is not a valid code becomes ``X`` and ten hex digits of its HMAC (still joinable, never
  the clear value) and is counted as invalid.
- an IBAN becomes a valid Estonian IBAN (bank code and account number chosen by the HMAC, the
  national and IBAN check digits computed with schwifty's checksum algorithms);
- a first or last name becomes a name from a synthetic list chosen by the HMAC (a first name of
  the row's sex when the row has a personal code).

Columns are given per file as ``column -> kind``; by default the kind is detected from the header
name (``detect_kinds``). Files are read and written as streams, row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from schwifty import checksum as iban_checksum
from schwifty.checksum import estonia  # noqa: F401  (registers the Estonian national check digit)
from stdnum.ee import ik

CODE, FIRST_NAME, LAST_NAME, IBAN_KIND, KEEP = "personal_code", "first_name", "last_name", "iban", "keep"
KINDS = (CODE, FIRST_NAME, LAST_NAME, IBAN_KIND, KEEP)
MIN_KEY_BYTES = 16

#: Header names (lower case, without spaces, dashes and underscores) and the kind they suggest.
HEADER_HINTS: dict[str, str] = {
    **dict.fromkeys(
        ["personalcode", "personcode", "isikukood", "ik", "idcode", "personid", "recipientcode"],
        CODE,
    ),
    **dict.fromkeys(["firstname", "givenname", "eesnimi", "forename"], FIRST_NAME),
    **dict.fromkeys(["lastname", "surname", "familyname", "perekonnanimi", "perenimi"], LAST_NAME),
    **dict.fromkeys(["iban", "account", "accountnumber", "bankaccount", "arveldusarve", "konto"], IBAN_KIND),
}

FIRST_NAMES_M = (
    "Aadu", "Ahto", "Ain", "Alar", "Ants", "Arvo", "Eero", "Egon", "Elmar", "Enn", "Erik", "Hando",
    "Harri", "Heino", "Ilmar", "Jaak", "Joel", "Kaarel", "Kalju", "Kaspar", "Lauri", "Leo", "Madis",
    "Meelis", "Mihkel", "Oskar", "Ott", "Paavo", "Raul", "Riho", "Sander", "Taavi", "Tarmo", "Tõnu",
    "Uku", "Vello", "Villem", "Ülo",
)  # fmt: skip
FIRST_NAMES_F = (
    "Aino", "Airi", "Anu", "Astrid", "Elo", "Evi", "Gerli", "Hele", "Helgi", "Ilme", "Inga", "Jaana",
    "Kaie", "Kairi", "Kersti", "Krista", "Külli", "Leelo", "Liis", "Linda", "Maarja", "Merike",
    "Milvi", "Nele", "Pille", "Riina", "Sirje", "Signe", "Tiiu", "Ulvi", "Urve", "Vaike", "Viivi", "Ülle",
)  # fmt: skip
LAST_NAMES = (
    "Aas", "Allik", "Hein", "Hunt", "Jõgi", "Järv", "Kaasik", "Kägu", "Kalda", "Kangur", "Kivisild",
    "Koger", "Kolk", "Kuningas", "Laas", "Laur", "Lehiste", "Leht", "Liiv", "Lumi", "Meri", "Mölder",
    "Nurm", "Paju", "Pihlak", "Puu", "Raid", "Rand", "Rätsep", "Roos", "Rumm", "Saks", "Sild", "Soo",
    "Sulg", "Talu", "Tamme", "Toom", "Tuul", "Uus", "Vaino", "Valk", "Vares", "Vask", "Vill", "Vool",
)  # fmt: skip
#: Estonian bank codes (the first two digits of the BBAN) that pseudonymised IBANs use.
BANK_CODES = ("10", "22", "77")


class PseudonymError(ValueError):
    """Bad input to the pseudonymiser (key, column kinds, file layout); the message says what."""


def normalise_header(name: str) -> str:
    return "".join(ch for ch in name.strip().lower() if ch.isalnum())


def detect_kinds(header: Iterable[str]) -> dict[str, str]:
    """The kinds suggested by the header names (columns not recognised are kept as they are)."""
    return {name: HEADER_HINTS.get(normalise_header(name), KEEP) for name in header}


def key_from_text(text: str | bytes) -> bytes:
    """The key bytes from what the user typed or the key file held (surrounding whitespace ignored)."""
    raw = text.encode() if isinstance(text, str) else text
    raw = raw.strip()
    if len(raw) < MIN_KEY_BYTES:
        raise PseudonymError(f"The key must be at least {MIN_KEY_BYTES} characters long.")
    return raw


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class ColumnReport:
    kind: str
    replaced: int = 0
    empty: int = 0
    invalid: int = 0
    values: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "replaced": self.replaced,
            "empty": self.empty,
            "invalid": self.invalid,
            "unique_values": len(self.values),
        }


@dataclass
class FileReport:
    name: str
    rows: int = 0
    delimiter: str = ","
    columns: dict[str, ColumnReport] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "rows": self.rows,
            "columns": {name: col.as_dict() for name, col in self.columns.items() if col.kind != KEEP},
        }


class Pseudonymiser:
    """Pseudonyms under one key. Call ``prepare_codes`` with every personal code of the extract
    before ``code`` (see the module docstring for how serial collisions are settled)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise PseudonymError(f"The key must be at least {MIN_KEY_BYTES} characters long.")
        self._key = key
        self._codes: dict[str, str] = {}
        self._taken: dict[tuple[dt.date, str], set[int]] = {}
        self._cache: dict[tuple[str, str], str] = {}
        self._ibans: dict[str, str] = {}

    @property
    def key_id(self) -> str:
        return self._digest("key-id", "tugi")[:4].hex()

    def _digest(self, kind: str, value: str) -> bytes:
        return hmac.new(self._key, f"{kind}\x1f{value}".encode(), hashlib.sha256).digest()

    # --- personal codes ---------------------------------------------------------------------

    def prepare_codes(self, codes: Iterable[str]) -> None:
        """Settle the pseudonym of every valid code given. Codes settled before keep theirs; the new
        ones take serials in the order of their HMAC, skipping serials already taken."""
        fresh = {c.strip() for c in codes} - set(self._codes)
        buckets: dict[tuple[dt.date, str], list[tuple[bytes, str]]] = defaultdict(list)
        for code in fresh:
            if code and ik.is_valid(code):
                buckets[(ik.get_birth_date(code), "M" if int(code[0]) % 2 else "F")].append(
                    (self._digest(CODE, code), code)
                )
        for (birth, sex), members in buckets.items():
            taken = self._taken.setdefault((birth, sex), set())
            if len(taken) + len(members) > 1000:
                raise PseudonymError("More than 1000 personal codes share one birth date and sex.")
            for digest, code in sorted(members):
                serial = int.from_bytes(digest[:4], "big") % 1000
                while serial in taken:
                    serial = (serial + 1) % 1000
                taken.add(serial)
                self._codes[code] = make_code(birth, sex, serial)

    def code(self, value: str) -> tuple[str, bool]:
        """The pseudonym of a personal code and whether the input was a valid code."""
        found = self._codes.get(value)
        if found is not None:
            return found, True
        if ik.is_valid(value):
            self.prepare_codes([value])
            return self._codes[value], True
        return "X" + self._digest(CODE, value)[:5].hex(), False

    # --- names and IBANs ----------------------------------------------------------------------

    def _pick(self, kind: str, value: str, choices: tuple[str, ...]) -> str:
        cache_key = (kind, value)
        found = self._cache.get(cache_key)
        if found is None:
            found = choices[int.from_bytes(self._digest(kind, value)[:4], "big") % len(choices)]
            self._cache[cache_key] = found
        return found

    def first_name(self, value: str, sex: str | None = None) -> str:
        if sex == "M":
            return self._pick("first_name:M", value, FIRST_NAMES_M)
        if sex == "F":
            return self._pick("first_name:F", value, FIRST_NAMES_F)
        return self._pick("first_name", value, FIRST_NAMES_M + FIRST_NAMES_F)

    def last_name(self, value: str) -> str:
        return self._pick(LAST_NAME, value, LAST_NAMES)

    def iban(self, value: str) -> str:
        found = self._ibans.get(value)
        if found is not None:
            return found
        compact = value.replace(" ", "").upper()
        cache_key = (IBAN_KIND, compact)
        found = self._cache.get(cache_key)
        if found is None:
            number = int.from_bytes(self._digest(IBAN_KIND, compact)[:8], "big")
            bank = BANK_CODES[number % len(BANK_CODES)]
            account = str(number // len(BANK_CODES) % 10**10).rjust(11, "0")
            found = estonian_iban(bank, account)
            self._cache[cache_key] = found
        self._ibans[value] = found
        return found


_EE_NATIONAL = iban_checksum.algorithms["EE:default"]
_MOD97 = iban_checksum.ISO7064_mod97_10()


def estonian_iban(bank: str, account: str) -> str:
    """An Estonian IBAN from a bank code (2 digits) and an account number (11 digits), with the
    check digits computed by schwifty's algorithms (the same result as ``IBAN.generate``, about
    seven times faster: the benchmark makes a quarter of a million of them)."""
    branch = "00"
    bban = bank + branch + account + _EE_NATIONAL.compute([branch, account])
    return "EE" + _MOD97.compute([bban, "EE"]) + bban


def make_code(birth: dt.date, sex_letter: str, serial: int) -> str:
    """A valid personal code (the same rule as ``tugi.core.identity.make_code``, without Django)."""
    century = (birth.year - 1800) // 100
    first = 1 + 2 * century + (0 if sex_letter == "M" else 1)
    base = f"{first}{birth:%y%m%d}{serial:03d}"
    return base + ik.calc_check_digit(base + "0")


# --- files ------------------------------------------------------------------------------------


def _open_reader(stream: IO[str]) -> tuple[Iterator[list[str]], list[str], str]:
    first = stream.readline()
    if not first.strip():
        raise PseudonymError("The file is empty: the first line must name the columns.")
    delimiter = sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    return csv.reader(stream, delimiter=delimiter), header, delimiter


def check_kinds(header: list[str], kinds: dict[str, str] | None) -> dict[str, str]:
    """The kind of each column: the detected ones, overridden by ``kinds``; unknown names refused."""
    result = detect_kinds(header)
    for name, kind in (kinds or {}).items():
        if name not in result:
            raise PseudonymError(f"Column {name!r} is not in the file (columns: {', '.join(header)}).")
        if kind not in KINDS:
            raise PseudonymError(f"Unknown kind {kind!r} for column {name!r} (kinds: {', '.join(KINDS)}).")
        result[name] = kind
    return result


def collect_codes(stream: IO[str], kinds: dict[str, str] | None = None) -> set[str]:
    """First pass: the distinct values of the personal-code columns of one file."""
    rows, header, _ = _open_reader(stream)
    resolved = check_kinds(header, kinds)
    positions = [i for i, name in enumerate(header) if resolved[name] == CODE]
    found: set[str] = set()
    if not positions:
        return found
    for row in rows:
        for i in positions:
            if i < len(row):
                found.add(row[i].strip())
    return found


SEX_BY_DIGIT = {d: ("M" if int(d) % 2 else "F") for d in "12345678"}


class _Column:
    """The state of one replaced column while a file streams through: the pseudonym of each raw
    value met (so a repeated value costs one dictionary look-up), the distinct values, and the raw
    values that were empty or invalid with the number of times each was met."""

    __slots__ = ("caches", "empty", "index", "invalid", "kind", "pseudonymiser", "values")

    def __init__(self, index: int, kind: str, pseudonymiser: Pseudonymiser) -> None:
        self.index, self.kind, self.pseudonymiser = index, kind, pseudonymiser
        self.caches: dict[str | None, dict[str, str]] = {"M": {}, "F": {}, None: {}}
        self.values: set[str] = set()
        self.empty: dict[str, int] = {}
        self.invalid: dict[str, int] = {}

    def compute(self, raw: str, sex: str | None) -> str:
        value = raw.strip()
        if not value:
            self.empty[raw] = 0
            return raw
        self.values.add(value)
        p = self.pseudonymiser
        if self.kind == CODE:
            new, valid = p.code(value)
            if not valid:
                self.invalid[raw] = 0
            return new
        if self.kind == FIRST_NAME:
            return p.first_name(value, sex)
        if self.kind == LAST_NAME:
            return p.last_name(value)
        return p.iban(value)

    def report(self, rows: int) -> ColumnReport:
        empty = sum(self.empty.values())
        return ColumnReport(
            kind=self.kind,
            replaced=rows - empty,
            empty=empty,
            invalid=sum(self.invalid.values()),
            values=self.values,
        )


def pseudonymise_stream(
    pseudonymiser: Pseudonymiser,
    source: IO[str],
    target: IO[str],
    *,
    name: str,
    kinds: dict[str, str] | None = None,
) -> FileReport:
    """Second pass: write the file with its personal data replaced; the report of what was done."""
    rows, header, delimiter = _open_reader(source)
    resolved = check_kinds(header, kinds)
    report = FileReport(name=name, delimiter=delimiter)
    writer = csv.writer(target, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    columns = [_Column(i, resolved[n], pseudonymiser) for i, n in enumerate(header) if resolved[n] != KEEP]
    code_index = next((c.index for c in columns if c.kind == CODE), None)
    by_sex = code_index is not None
    width = len(header)
    sex_of = SEX_BY_DIGIT.get
    plan = [(c.index, c, c.caches, c.empty, c.invalid, c.kind == FIRST_NAME and by_sex) for c in columns]
    count = 0
    writerow = writer.writerow
    for line, row in enumerate(rows, start=2):
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                continue
            raise PseudonymError(
                f"{name}, line {line}: {len(row)} fields, the header has {width}; nothing was written."
            )
        count += 1
        sex = sex_of(row[code_index].lstrip()[:1]) if code_index is not None else None
        for i, column, caches, empty, invalid, sexed in plan:
            raw = row[i]
            cache = caches[sex] if sexed else caches[None]
            new = cache.get(raw)
            if new is None:
                new = column.compute(raw, sex if sexed else None)
                cache[raw] = new
            if raw in empty:
                empty[raw] += 1
            elif raw in invalid:
                invalid[raw] += 1
            row[i] = new
        writerow(row)
    report.rows = count
    report.columns = {header[c.index]: c.report(count) for c in columns}
    return report


def pseudonymise_texts(
    key: bytes, files: dict[str, str], kinds: dict[str, dict[str, str]] | None = None
) -> tuple[dict[str, str], dict[str, Any]]:
    """Pseudonymise in-memory CSV texts (name -> text) together; the outputs and the report."""
    kinds = kinds or {}
    pseudonymiser = Pseudonymiser(key)
    codes: set[str] = set()
    for name, text in files.items():
        codes |= collect_codes(io.StringIO(text), kinds.get(name))
    pseudonymiser.prepare_codes(codes)
    outputs: dict[str, str] = {}
    reports = []
    for name, text in files.items():
        target = io.StringIO()
        reports.append(
            pseudonymise_stream(pseudonymiser, io.StringIO(text), target, name=name, kinds=kinds.get(name))
        )
        outputs[name] = target.getvalue()
    return outputs, build_report(pseudonymiser, reports)


def build_report(pseudonymiser: Pseudonymiser, reports: list[FileReport]) -> dict[str, Any]:
    return {
        "key_id": pseudonymiser.key_id,
        "method": "HMAC-SHA256; personal codes keep birth date and sex; Estonian IBANs; synthetic names",
        "files": [r.as_dict() for r in reports],
    }
