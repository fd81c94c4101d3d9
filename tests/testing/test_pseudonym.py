"""Pseudonymisation of CSV extracts: valid codes with the same birth date and sex, valid Estonian
IBANs, joins that still match under one key, other values under another key, no clear values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from schwifty import IBAN
from stdnum import iban
from stdnum.ee import ik

from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.identity import make_code
from tugi.testing.pseudonym import (
    CODE,
    IBAN_KIND,
    KEEP,
    PseudonymError,
    Pseudonymiser,
    detect_kinds,
    pseudonymise_texts,
)
from tugi.testing.services.pseudonymise import extract_pseudonymise, parse_kinds

KEY = b"a-test-key-of-enough-length"
OTHER_KEY = b"another-test-key-of-enough-length"


def _codes() -> list[str]:
    born = [dt.date(1944, 2, 29), dt.date(1960, 5, 17), dt.date(1999, 12, 31), dt.date(2004, 1, 1)]
    return [make_code(b, s, n) for b in born for s in "MF" for n in (0, 1, 517, 999)]


def _iban(n: int) -> str:
    return str(IBAN.generate("EE", bank_code="22", account_code=str(1000 + n)))


def _extract() -> dict[str, str]:
    codes = _codes()
    people = io.StringIO()
    w = csv.writer(people, delimiter=";", lineterminator="\n")
    w.writerow(["isikukood", "eesnimi", "perenimi", "IBAN", "summa"])
    for n, code in enumerate(codes):
        w.writerow(
            [code, "Mari" if n % 2 else "Jaan", "Tamm" if n % 3 else "Saar", _iban(n), f"{100 + n}.50"]
        )
    payments = io.StringIO()
    w = csv.writer(payments, delimiter=",", lineterminator="\n")
    w.writerow(["payment_id", "person_code", "account", "paid_on"])
    for n, code in enumerate(reversed(codes)):
        w.writerow([n, code, _iban(len(codes) - 1 - n), "2025-03-05"])
    return {"people.csv": people.getvalue(), "payments.csv": payments.getvalue()}


def _rows(text: str) -> list[dict[str, str]]:
    first = text.splitlines()[0]
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if ";" in first else ","))


def test_codes_stay_valid_with_the_same_birth_date_and_sex() -> None:
    source = _extract()
    out, _report = pseudonymise_texts(KEY, source)
    before, after = _rows(source["people.csv"]), _rows(out["people.csv"])
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert ik.is_valid(new["isikukood"])
        assert new["isikukood"] != old["isikukood"]
        assert ik.get_birth_date(new["isikukood"]) == ik.get_birth_date(old["isikukood"])
        assert new["isikukood"][0] == old["isikukood"][0]  # century and sex
        assert new["summa"] == old["summa"]  # other columns are kept
    assert len({r["isikukood"] for r in after}) == len(before)  # distinct people stay distinct


def test_ibans_become_valid_estonian_ibans() -> None:
    out, _report = pseudonymise_texts(KEY, _extract())
    for row in _rows(out["people.csv"]):
        assert row["IBAN"].startswith("EE")
        assert iban.is_valid(row["IBAN"])
        IBAN(row["IBAN"], validate_bban=True)  # the national check digit too


def test_two_files_pseudonymised_with_one_key_still_join() -> None:
    source = _extract()
    out, _report = pseudonymise_texts(KEY, source)
    clear = {(r["isikukood"], r["IBAN"]) for r in _rows(source["people.csv"])}
    assert clear == {(r["person_code"], r["account"]) for r in _rows(source["payments.csv"])}
    people = {(r["isikukood"], r["IBAN"]) for r in _rows(out["people.csv"])}
    payments = {(r["person_code"], r["account"]) for r in _rows(out["payments.csv"])}
    assert people == payments and len(people) == len(clear)
    # the same key in a separate run (files in another order) gives the same values
    again, _ = pseudonymise_texts(
        KEY, {"payments.csv": source["payments.csv"], "people.csv": source["people.csv"]}
    )
    assert again == out


def test_another_key_gives_other_values() -> None:
    source = _extract()
    one, report_one = pseudonymise_texts(KEY, source)
    other, report_other = pseudonymise_texts(OTHER_KEY, source)
    codes_one = [r["isikukood"] for r in _rows(one["people.csv"])]
    codes_other = [r["isikukood"] for r in _rows(other["people.csv"])]
    assert sum(a != b for a, b in zip(codes_one, codes_other, strict=True)) > len(codes_one) // 2
    ibans_one = {r["IBAN"] for r in _rows(one["people.csv"])}
    assert ibans_one.isdisjoint({r["IBAN"] for r in _rows(other["people.csv"])})
    assert report_one["key_id"] != report_other["key_id"]


def test_serial_collisions_are_settled_deterministically() -> None:
    born = dt.date(1970, 6, 1)
    codes = [make_code(born, "F", n) for n in range(400)]  # many codes of one birth date and sex
    p = Pseudonymiser(KEY)
    p.prepare_codes(codes)
    mapped = [p.code(c)[0] for c in codes]
    assert len(set(mapped)) == len(codes)
    assert all(ik.is_valid(m) and ik.get_birth_date(m) == born and m[0] == "4" for m in mapped)
    q = Pseudonymiser(KEY)
    q.prepare_codes(reversed(codes))  # order does not matter
    assert [q.code(c)[0] for c in codes] == mapped


def test_report_counts_without_clear_values_or_key() -> None:
    source = _extract()
    source["people.csv"] += "12345;Jaan;Saar;;1.00\n"  # an invalid code and an empty IBAN
    _out, report = pseudonymise_texts(KEY, source)
    people = report["files"][0]
    assert people["rows"] == 33
    assert people["columns"]["isikukood"] == {
        "kind": CODE, "replaced": 33, "empty": 0, "invalid": 1, "unique_values": 33,
    }  # fmt: skip
    assert people["columns"]["IBAN"]["empty"] == 1
    assert people["columns"]["eesnimi"]["unique_values"] == 2
    text = json.dumps(report)
    for clear in [*_codes(), "12345", "Mari", "Tamm", _iban(0), KEY.decode()]:
        assert clear not in text


def test_invalid_code_is_replaced_but_never_kept() -> None:
    out, _ = pseudonymise_texts(KEY, {"a.csv": "isikukood\n12345\n12345\n"})
    rows = _rows(out["a.csv"])
    assert rows[0]["isikukood"] == rows[1]["isikukood"] != "12345"


def test_columns_are_detected_by_header_and_can_be_given() -> None:
    assert detect_kinds(["Isikukood", "first_name", "Perekonnanimi", "IBAN", "summa"]) == {
        "Isikukood": CODE,
        "first_name": "first_name",
        "Perekonnanimi": "last_name",
        "IBAN": IBAN_KIND,
        "summa": KEEP,
    }
    out, _report = pseudonymise_texts(
        KEY, {"a.csv": "saaja;konto\n" + _codes()[0] + ";x\n"}, {"a.csv": {"saaja": CODE, "konto": KEEP}}
    )
    assert ik.is_valid(_rows(out["a.csv"])[0]["saaja"])
    assert _rows(out["a.csv"])[0]["konto"] == "x"
    with pytest.raises(PseudonymError, match="not in the file"):
        pseudonymise_texts(KEY, {"a.csv": "saaja\n1\n"}, {"a.csv": {"nimi": CODE}})


def test_short_key_and_ragged_line_are_refused() -> None:
    with pytest.raises(PseudonymError, match="16"):
        Pseudonymiser(b"short")
    with pytest.raises(PseudonymError, match="line 3"):
        pseudonymise_texts(KEY, {"a.csv": "isikukood;summa\n" + _codes()[0] + ";1\n" + "x;1;2\n"})


def test_kinds_text_is_parsed_per_file() -> None:
    assert parse_kinds("payments.csv: saaja=personal_code, konto=iban\nnimi=last_name") == {
        "payments.csv": {"saaja": CODE, "konto": IBAN_KIND},
        "*": {"nimi": "last_name"},
    }
    with pytest.raises(ValidationError) as info:
        parse_kinds("a.csv: saaja=secret")
    assert "Line 1" in str(info.value.message_dict["kinds"])


@pytest.mark.django_db
def test_page_service_gives_a_zip_and_one_audit_event_without_key(test_manager: Any) -> None:
    files = {name: text.encode() for name, text in _extract().items()}
    with exactly_one_audit_event("testing.pseudonymised") as events:
        archive, report = extract_pseudonymise(files=files, key=KEY.decode(), actor=test_manager)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert sorted(z.namelist()) == ["payments.csv", "people.csv", "report.json"]
        body = b"".join(z.read(n) for n in z.namelist())
    stored = json.dumps(events[0].after) + events[0].object_repr + events[0].object_id
    for secret in (KEY, KEY.hex().encode()):
        assert secret not in body and secret.decode() not in stored
    assert _codes()[0] not in stored and _codes()[0].encode() not in body
    assert report["files"][0]["rows"] == 32


@pytest.mark.django_db
def test_page_refuses_bad_input_and_changes_nothing(test_manager: Any, client_for: Any) -> None:
    client = client_for(test_manager)
    upload = io.BytesIO(_extract()["people.csv"].encode())
    upload.name = "people.csv"
    with no_audit_event():
        response = client.post("/testing/test-data/pseudonymise/", {"csv_files": [upload], "key": "short"})
    assert response.status_code == 400
    assert "16 characters" in response.content.decode()
    upload.seek(0)
    response = client.post("/testing/test-data/pseudonymise/", {"csv_files": [upload], "key": KEY.decode()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@pytest.mark.django_db
def test_page_needs_permission(finance_user: Any, client_for: Any) -> None:
    assert client_for(finance_user).get("/testing/test-data/pseudonymise/").status_code == 403


def test_command_reads_the_key_file_and_never_writes_the_key(tmp_path: Path) -> None:
    source = _extract()
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in source.items():
        (inputs / name).write_text(text, encoding="utf-8")
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY + b"\n")
    out_dir = tmp_path / "out"
    stdout = io.StringIO()
    call_command(
        "testdata", "pseudonymise", "--key-file", str(key_file), "--out", str(out_dir),
        str(inputs / "people.csv"), str(inputs / "payments.csv"), stdout=stdout,
    )  # fmt: skip
    assert sorted(p.name for p in out_dir.iterdir()) == ["payments.csv", "people.csv", "report.json"]
    expected, _ = pseudonymise_texts(KEY, source)
    assert (out_dir / "people.csv").read_text(encoding="utf-8") == expected["people.csv"]
    for path in out_dir.iterdir():
        assert KEY not in path.read_bytes()
    assert "people.csv: 32 rows" in stdout.getvalue()
    with pytest.raises(CommandError, match="must not be the directory"):
        call_command(
            "testdata",
            "pseudonymise",
            "--key-file",
            str(key_file),
            "--out",
            str(inputs),
            str(inputs / "people.csv"),
        )


def test_a_code_met_late_never_changes_earlier_pseudonyms() -> None:
    born = dt.date(1970, 6, 1)
    codes = [make_code(born, "M", n) for n in range(50)]
    p = Pseudonymiser(KEY)
    p.prepare_codes(codes[:49])
    earlier = [p.code(c)[0] for c in codes[:49]]
    late = p.code(codes[49])[0]  # not collected in the first pass
    assert [p.code(c)[0] for c in codes[:49]] == earlier
    assert late not in earlier and ik.is_valid(late)


def test_estonian_iban_matches_schwifty_generate() -> None:
    from tugi.testing.pseudonym import estonian_iban

    for bank, account in [("22", "00000000001"), ("10", "12345678901"), ("77", "09999999999")]:
        assert estonian_iban(bank, account) == str(IBAN.generate("EE", bank_code=bank, account_code=account))
