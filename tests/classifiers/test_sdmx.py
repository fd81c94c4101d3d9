"""SDMX-ML 2.1 codelists at /sdmx/codelist/{agency}/{id}/{version}, read back with sdmx1."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import sdmx
from django.test import Client

from tests.classifiers.factories import ClassifierFactory, published
from tugi.classifiers.models import ClassifierStatus
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ehak(domain_support: Any) -> Any:
    classifier = ClassifierFactory(
        code="ehak",
        name_et="Eesti haldus- ja asustusjaotuse klassifikaator",
        name_en="Classification of Estonian administrative units",
        owner=domain_support,
        status=ClassifierStatus.ACTIVE,
    )
    v1 = published(
        classifier, [("0037", "Harju maakond"), ("0784", "Tallinn")], valid_from=dt.date(2016, 1, 1)
    )
    v1.items.filter(code="0784").update(parent_code="0037", level=2)
    v1.items.filter(code="0037").update(name_en="Harju County")
    v2 = published(
        classifier,
        [("0037", "Harju maakond"), ("0784", "Tallinn"), ("0198", "Harku vald")],
        number=2,
        valid_from=dt.date(2017, 10, 22),
    )
    v2.items.exclude(code="0037").update(parent_code="0037", level=2)
    return classifier


@pytest.fixture
def client(domain_support: Any, ehak: Any) -> Client:
    _token, text = token_create(user=domain_support, name="sdmx", actor=domain_support)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def read(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.sdmx.structure+xml;version=2.1"
    return sdmx.read_sdmx(io.BytesIO(response.content))


def test_latest_reads_back_with_codes_names_and_parents(client: Client) -> None:
    message = read(client.get("/sdmx/codelist/SKA/EHAK/latest"))
    [codelist] = message.codelist.values()
    assert codelist.id == "ehak" and codelist.version == "2" and codelist.maintainer.id == "SKA"
    assert codelist.is_final
    assert str(codelist.name.localizations["et"]) == "Eesti haldus- ja asustusjaotuse klassifikaator"
    assert codelist.name.localizations["en"] == "Classification of Estonian administrative units"
    assert {c.id for c in codelist} == {"0037", "0784", "0198"}
    assert codelist["0198"].name.localizations["et"] == "Harku vald"
    assert codelist["0198"].parent.id == "0037"
    assert codelist["0037"] in [c for c in codelist if c.parent is None or c.parent is codelist]


def test_all_lists_every_published_version(client: Client) -> None:
    message = read(client.get("/sdmx/codelist/SKA/ehak/all"))
    versions = {cl.version: cl for cl in message.codelist.values()}
    assert set(versions) == {"1", "2"}
    assert {c.id for c in versions["1"]} == {"0037", "0784"}
    assert versions["1"]["0037"].name.localizations["en"] == "Harju County"
    assert versions["1"]["0784"].parent.id == "0037"


def test_a_version_number_gives_that_version(client: Client) -> None:
    message = read(client.get("/sdmx/codelist/SKA/ehak/1"))
    [codelist] = message.codelist.values()
    assert codelist.version == "1" and len(codelist) == 2
    assert read(client.get("/sdmx/codelist/SKA/ehak/2.0")).codelist["ehak"].version == "2"


@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/codelist/SKA/nope/latest",
        "/sdmx/codelist/SKA/ehak/9",
        "/sdmx/codelist/SKA/ehak/x1",
        "/sdmx/codelist/ABC/ehak/1",
    ],
)
def test_unknown_codelists_and_versions_are_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"ErrorMessage" in response.content


def test_a_draft_only_classifier_has_no_codelist(client: Client, domain_support: Any) -> None:
    ClassifierFactory(code="draft-only", owner=domain_support)
    assert client.get("/sdmx/codelist/SKA/draft-only/latest").status_code == 404


def test_sdmx_needs_authentication(ehak: Any) -> None:
    response = Client().get("/sdmx/codelist/SKA/ehak/latest")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
