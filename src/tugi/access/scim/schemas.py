"""What the service provider publishes about itself (RFC 7643 §5–7, RFC 7644 §4).

The attributes below are the ones Tugi keeps; the same definitions drive the ``/Schemas``
documents and the reading of PATCH paths, so what a client is told is what the server does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

MAX_RESULTS = 1000
DEFAULT_COUNT = 100


@dataclass(frozen=True)
class Attr:
    """One attribute of a schema, as RFC 7643 §7 describes it."""

    name: str
    type: str = "string"
    description: str = ""
    multi: bool = False
    required: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    case_exact: bool = False
    canonical: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    sub: tuple[Attr, ...] = ()
    common: bool = False  # a common attribute (RFC 7643 §3.1): not listed in the schema document

    @property
    def read_only(self) -> bool:
        return self.mutability == "readOnly"

    def child(self, name: str) -> Attr | None:
        return next((s for s in self.sub if s.name.lower() == name.lower()), None)

    def document(self, canonical: Iterable[str] | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi,
            "description": self.description,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        }
        values = list(canonical) if canonical is not None else list(self.canonical)
        if values:
            doc["canonicalValues"] = values
        if self.reference_types:
            doc["referenceTypes"] = list(self.reference_types)
        if self.sub:
            doc["subAttributes"] = [s.document() for s in self.sub]
        return doc


@dataclass(frozen=True)
class SchemaSpec:
    id: str
    name: str
    description: str
    attributes: tuple[Attr, ...] = field(default_factory=tuple)

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attributes if a.name.lower() == name.lower()), None)

    def document(self, base_url: str, canonical: dict[str, list[str]] | None = None) -> dict[str, Any]:
        canonical = canonical or {}
        return {
            "schemas": [SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.document(canonical.get(a.name)) for a in self.attributes if not a.common],
            "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{self.id}"},
        }


EXTERNAL_ID = Attr(
    "externalId",
    description="The employee id the HR system knows the person by.",
    case_exact=True,
    common=True,
)

USER = SchemaSpec(
    CORE_USER,
    "User",
    "A person who uses STAR or SKAIS: one account across the managed systems.",
    (
        EXTERNAL_ID,
        Attr(
            "userName",
            description="The login name in the managed systems.",
            required=True,
            uniqueness="server",
        ),
        Attr(
            "name",
            "complex",
            "The person's name.",
            required=True,
            sub=(
                Attr("givenName", description="First name.", required=True),
                Attr("familyName", description="Last name.", required=True),
            ),
        ),
        Attr("displayName", description="First and last name.", mutability="readOnly"),
        Attr("title", description="The job position."),
        Attr(
            "emails",
            "complex",
            "The work e-mail address (Tugi keeps one).",
            multi=True,
            sub=(
                Attr("value", description="The e-mail address."),
                Attr("type", description="Always work.", canonical=("work",)),
            ),
        ),
        Attr(
            "active",
            "boolean",
            "Employed. False ends the employment: every assignment ends that day. It cannot be "
            "removed, only set.",
            required=True,
        ),
        Attr(
            "groups",
            "complex",
            "The profiles assigned to the account today (change them through the Groups).",
            multi=True,
            mutability="readOnly",
            sub=(
                Attr("value", description="The profile's id.", mutability="readOnly"),
                Attr(
                    "$ref",
                    "reference",
                    "The profile's URI.",
                    mutability="readOnly",
                    reference_types=("Group",),
                ),
                Attr("display", description="SYSTEM:CODE of the profile.", mutability="readOnly"),
            ),
        ),
    ),
)

ENTERPRISE_USER = SchemaSpec(
    ENTERPRISE,
    "EnterpriseUser",
    "Where the person works and who their manager is.",
    (
        Attr(
            "department",
            description="The code of the organisation unit (an agency department or a municipality); "
            "the canonical values are the units Tugi knows.",
            required=True,
        ),
        Attr(
            "manager",
            "complex",
            "The person's manager, another User.",
            sub=(
                Attr("value", description="The manager's id.", case_exact=True),
                Attr("$ref", "reference", "The manager's URI.", reference_types=("User",)),
            ),
        ),
    ),
)

GROUP = SchemaSpec(
    CORE_GROUP,
    "Group",
    "An active profile (a bundle of rights of one system); its members hold it today.",
    (
        Attr(
            "displayName",
            description="SYSTEM:CODE of the profile.",
            mutability="readOnly",
            uniqueness="server",
        ),
        Attr(
            "members",
            "complex",
            "The accounts holding the profile today. Adding one assigns the profile from today; "
            "removing one ends the assignment today.",
            multi=True,
            sub=(
                Attr("value", description="The User's id.", mutability="immutable", case_exact=True),
                Attr(
                    "$ref",
                    "reference",
                    "The User's URI.",
                    mutability="immutable",
                    reference_types=("User",),
                ),
                Attr("type", description="Always User.", mutability="immutable", canonical=("User",)),
                Attr("display", description="The member's name.", mutability="readOnly"),
            ),
        ),
    ),
)

SCHEMAS = {s.id: s for s in (USER, ENTERPRISE_USER, GROUP)}


def resource_types(base_url: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "Accounts of the managed systems' users",
            "schema": CORE_USER,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": True}],
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/User"},
        },
        {
            "schemas": [RESOURCE_TYPE],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "Active profiles; members are the accounts holding them today",
            "schema": CORE_GROUP,
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/Group"},
        },
    ]


def service_provider_config(base_url: str) -> dict[str, Any]:
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "pagination": {
            "cursor": False,
            "index": True,
            "defaultPaginationMethod": "index",
            "defaultPageSize": DEFAULT_COUNT,
            "maxPageSize": MAX_RESULTS,
        },
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Tugi API token",
                "description": "Authorization: Bearer TOKEN, with a personal API token created in Tugi. "
                "The token's user acts, with that user's permissions.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base_url}/ServiceProviderConfig",
        },
    }
