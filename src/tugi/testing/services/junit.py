"""Import of JUnit XML reports (pytest, Maven Surefire and similar) into a test run.

Each ``<testcase>`` is matched to a test case by its automated test name: ``classname.name``,
``classname::name`` or the bare ``name``, then by a stored mapping (see ``junit_map``). A matched
test becomes an execution of the run (source "JUnit import") with the case's current version:

* no child element → passed;
* ``<failure>`` or ``<error>`` → failed (an error is a broken test, which still fails the case);
* ``<skipped>`` → not run (a skipped test says nothing about the system under test).

Unmatched names are kept with the import and listed for mapping. The same file (by SHA-256)
imported into the same run again is recognised and creates nothing. A malformed file is refused
as a whole with a message; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require

from ..audit_events_defects import DefectEvent
from ..models import (
    CaseVersion,
    Execution,
    ExecutionSource,
    ExecutionStatus,
    JUnitCaseResult,
    JUnitImport,
    JUnitMapping,
    JUnitOutcome,
    RunCase,
    TestCase,
    TestRun,
)

MAX_JUNIT_BYTES = 20 * 1024 * 1024

OUTCOME_STATUS = {
    JUnitOutcome.PASSED: ExecutionStatus.PASSED,
    JUnitOutcome.FAILURE: ExecutionStatus.FAILED,
    JUnitOutcome.ERROR: ExecutionStatus.FAILED,
    JUnitOutcome.SKIPPED: ExecutionStatus.NOT_RUN,
}


class JUnitError(ValidationError):
    """A JUnit file that cannot be read; the message says why."""


@dataclass
class ParsedCase:
    classname: str
    name: str
    outcome: str
    duration: float
    message: str
    timestamp: dt.datetime | None

    @property
    def full_name(self) -> str:
        return f"{self.classname}.{self.name}" if self.classname else self.name

    def candidates(self) -> list[str]:
        if not self.classname:
            return [self.name]
        return [f"{self.classname}.{self.name}", f"{self.classname}::{self.name}", self.name]


def _float(text: str | None) -> float:
    try:
        return max(0.0, float(text or 0))
    except ValueError:
        return 0.0


def parse_junit(content: bytes) -> list[ParsedCase]:
    """The test cases of a JUnit XML report; ``JUnitError`` when it is not one."""
    if len(content) > MAX_JUNIT_BYTES:
        raise JUnitError(_("The JUnit file is larger than 20 MB."))
    if b"\x00" in content[:200]:
        raise JUnitError(_("The JUnit file must be encoded in UTF-8."))
    # No DTD, no entities: with them refused, the standard parser is safe for untrusted input.
    if b"<!DOCTYPE" in content[:4096].upper() or b"<!ENTITY" in content.upper():
        raise JUnitError(_("The JUnit file must not contain a document type declaration."))
    try:
        root = ET.fromstring(content)  # noqa: S314 (DTDs and entities refused above)
    except ET.ParseError as exc:
        raise JUnitError(_("The file is not well-formed XML: %(error)s.") % {"error": exc}) from None
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(
            _("Not a JUnit report: the root element is <%(tag)s>, expected <testsuites> or <testsuite>.")
            % {"tag": root.tag}
        )
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    out: list[ParsedCase] = []
    for suite in suites:
        stamp = parse_datetime(suite.get("timestamp") or "") if suite.get("timestamp") else None
        if stamp is not None and timezone.is_naive(stamp):
            stamp = timezone.make_aware(stamp)
        for case in suite.findall("testcase"):
            name = (case.get("name") or "").strip()
            if not name:
                raise JUnitError(_("A <testcase> has no name attribute."))
            outcome, message = JUnitOutcome.PASSED, ""
            for tag, kind in (
                ("failure", JUnitOutcome.FAILURE),
                ("error", JUnitOutcome.ERROR),
                ("skipped", JUnitOutcome.SKIPPED),
            ):
                child = case.find(tag)
                if child is not None:
                    outcome = kind
                    message = "\n".join(
                        p for p in (child.get("message") or "", (child.text or "").strip()) if p
                    )
                    break
            out.append(
                ParsedCase(
                    classname=(case.get("classname") or "").strip(),
                    name=name,
                    outcome=outcome,
                    duration=_float(case.get("time")),
                    message=message[:10000],
                    timestamp=stamp,
                )
            )
    if not out:
        raise JUnitError(_("The JUnit report contains no test cases."))
    return out


def match_cases(parsed: list[ParsedCase]) -> dict[str, TestCase]:
    """Full test name → case, by automated test name first, then by stored mapping."""
    names = {c for p in parsed for c in p.candidates()}
    by_auto: dict[str, TestCase] = {}
    for case in TestCase.objects.filter(automated_name__in=names, active=True).order_by("pk"):
        by_auto.setdefault(case.automated_name, case)
    mapped = {
        m.name: m.case
        for m in JUnitMapping.objects.filter(name__in=[p.full_name for p in parsed]).select_related("case")
    }
    out: dict[str, TestCase] = {}
    for p in parsed:
        found = next((by_auto[c] for c in p.candidates() if c in by_auto), None) or mapped.get(p.full_name)
        if found is not None:
            out[p.full_name] = found
    return out


def _version_of(case: TestCase) -> CaseVersion | None:
    if case.current_version_id:
        return case.current_version
    return case.versions.order_by("-number").first()


def junit_import(
    *, run: TestRun, content: bytes, actor: Any, filename: str = "", reason: str = ""
) -> tuple[JUnitImport, bool]:
    """Import a JUnit report into ``run``. Returns the import and whether it is new; the same
    file imported again returns the first import and changes nothing."""
    require(actor, "testing.add_junitimport")
    digest = hashlib.sha256(content).hexdigest()
    existing = JUnitImport.objects.filter(run=run, sha256=digest).first()
    if existing is not None:
        return existing, False
    parsed = parse_junit(content)
    try:
        with transaction.atomic():
            return _store(
                run=run, parsed=parsed, digest=digest, actor=actor, filename=filename, reason=reason
            ), True
    except IntegrityError:  # the same file posted twice at once: the other request stored it
        existing = JUnitImport.objects.filter(run=run, sha256=digest).first()
        if existing is None:
            raise
        return existing, False


def _store(
    *, run: TestRun, parsed: list[ParsedCase], digest: str, actor: Any, filename: str, reason: str
) -> JUnitImport:
    matched = match_cases(parsed)
    now = timezone.now()
    imp = JUnitImport(run=run, sha256=digest, filename=filename[:200], imported_by=actor, total=len(parsed))
    imp.passed = sum(1 for p in parsed if p.outcome == JUnitOutcome.PASSED)
    imp.failed = sum(1 for p in parsed if p.outcome in (JUnitOutcome.FAILURE, JUnitOutcome.ERROR))
    imp.skipped = sum(1 for p in parsed if p.outcome == JUnitOutcome.SKIPPED)
    imp.full_clean()
    imp.save()
    in_run = set(RunCase.objects.filter(run=run).values_list("case_id", flat=True))
    added: list[str] = []
    created = 0
    unmatched: list[str] = []
    results = []
    for p in parsed:
        case = matched.get(p.full_name)
        version = _version_of(case) if case is not None else None
        execution = None
        if case is not None and version is not None:
            if case.pk not in in_run:
                RunCase.objects.create(run=run, case=case)
                in_run.add(case.pk)
                added.append(case.key)
            execution = Execution.objects.create(
                run=run,
                case=case,
                case_version=version,
                status=OUTCOME_STATUS[JUnitOutcome(p.outcome)],
                tester=actor,
                executed_at=p.timestamp or now,
                comment=(f"{p.full_name}: {p.message}" if p.message else p.full_name)[:10000],
                source=ExecutionSource.JUNIT,
            )
            created += 1
        else:
            case = None
            unmatched.append(p.full_name)
        results.append(
            JUnitCaseResult(
                junit_import=imp,
                name=p.full_name[:500],
                outcome=p.outcome,
                duration=p.duration,
                message=p.message,
                case=case,
                execution=execution,
            )
        )
    JUnitCaseResult.objects.bulk_create(results)
    imp.matched = created
    imp.save(update_fields=["matched", "updated_at"])
    audit_record(
        event=DefectEvent.JUNIT_IMPORTED,
        actor=actor,
        obj=imp,
        after={
            "run": run.pk,
            "file": imp.filename,
            "sha256": digest,
            "tests": imp.total,
            "passed": imp.passed,
            "failed": imp.failed,
            "skipped": imp.skipped,
            "executions_created": created,
            "cases_added_to_run": added,
            "unmatched": unmatched[:200],
        },
        reason=reason,
    )
    return imp


@transaction.atomic
def junit_map(*, name: str, case: TestCase, actor: Any, reason: str = "") -> JUnitMapping:
    """Map a test name to a case so that the next import matches it (a new mapping replaces an
    earlier one of the same name)."""
    require(actor, "testing.add_junitmapping")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the test name.")})
    mapping = JUnitMapping.objects.select_for_update().filter(name=name).first()
    before = {"case": mapping.case.key} if mapping else None
    if mapping is None:
        mapping = JUnitMapping(name=name, case=case)
    else:
        mapping.case = case
    mapping.full_clean()
    mapping.save()
    audit_record(
        event=DefectEvent.JUNIT_MAPPED,
        actor=actor,
        obj=mapping,
        before=before,
        after={"name": name, "case": case.key},
        reason=reason,
    )
    return mapping
