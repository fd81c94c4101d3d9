"""SDMX-ML 2.1 structure messages with codelists (as an SDMX registry's REST API answers
``/codelist/{agency}/{id}/{version}``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from xml.etree import ElementTree as ET

from django.utils import timezone

from ..models import Classifier, ClassifierVersion
from ..selectors_interop import version_items

AGENCY = "SKA"
CONTENT_TYPE = "application/vnd.sdmx.structure+xml;version=2.1"
NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _names(parent: ET.Element, name_et: str, name_en: str, tag: str = "Name") -> None:
    for lang, text in (("et", name_et), ("en", name_en)):
        if text:
            ET.SubElement(parent, _q("com", tag), {XML_LANG: lang}).text = text


def _codelist(parent: ET.Element, classifier: Classifier, version: ClassifierVersion) -> None:
    urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={AGENCY}:{classifier.code}({version.number})"
    attrs = {
        "id": classifier.code,
        "agencyID": AGENCY,
        "version": str(version.number),
        "isFinal": "true",
        "urn": urn,
    }
    if version.valid_from:
        attrs["validFrom"] = version.valid_from.isoformat()
    if version.valid_to:
        attrs["validTo"] = version.valid_to.isoformat()
    element = ET.SubElement(parent, _q("str", "Codelist"), attrs)
    _names(element, classifier.name_et, classifier.name_en)
    if classifier.description:
        ET.SubElement(element, _q("com", "Description"), {XML_LANG: "et"}).text = classifier.description
    code_urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Code={AGENCY}:{classifier.code}({version.number})."
    for item in version_items(version):
        code = ET.SubElement(element, _q("str", "Code"), {"id": item.code, "urn": code_urn + item.code})
        _names(code, item.name_et, item.name_en)
        if item.description:
            ET.SubElement(code, _q("com", "Description"), {XML_LANG: "et"}).text = item.description
        if item.parent_code:
            parent_ref = ET.SubElement(code, _q("str", "Parent"))
            ET.SubElement(parent_ref, "Ref", {"id": item.parent_code})


def structure_message(classifier: Classifier, versions: Iterable[ClassifierVersion]) -> bytes:
    """A ``mes:Structure`` with one ``str:Codelist`` per version."""
    root = ET.Element(_q("mes", "Structure"))
    header = ET.SubElement(root, _q("mes", "Header"))
    ET.SubElement(header, _q("mes", "ID")).text = "IREF" + uuid.uuid4().hex[:16].upper()
    ET.SubElement(header, _q("mes", "Test")).text = "false"
    ET.SubElement(header, _q("mes", "Prepared")).text = timezone.now().replace(microsecond=0).isoformat()
    ET.SubElement(header, _q("mes", "Sender"), {"id": AGENCY})
    structures = ET.SubElement(root, _q("mes", "Structures"))
    codelists = ET.SubElement(structures, _q("str", "Codelists"))
    for version in versions:
        _codelist(codelists, classifier, version)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def error_message(code: int, text: str) -> bytes:
    """An SDMX-ML 2.1 error message (``mes:Error``)."""
    root = ET.Element(_q("mes", "Error"))
    message = ET.SubElement(root, _q("mes", "ErrorMessage"), {"code": str(code)})
    ET.SubElement(message, _q("com", "Text"), {XML_LANG: "en"}).text = text
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
