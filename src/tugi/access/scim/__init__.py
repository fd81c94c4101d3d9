"""A SCIM 2.0 service provider (RFC 7643, RFC 7644) at ``/scim/v2/``.

Users are the access area's accounts and Groups its active profiles: an HR system or an identity
provider creates, changes and ends accounts and reads (and gives or ends) profile assignments.
Clients authenticate with a Tugi API token (``Authorization: Bearer …``) and act with the token
owner's permissions; every change goes through the access area's services and is audited.

schemas (what /Schemas, /ResourceTypes and /ServiceProviderConfig publish) · errors · resources
(accounts and profiles as SCIM JSON, and back) · filtering (SCIM filters as query conditions) ·
patching (PATCH operations on a resource) · selectors · services · views · urls.
"""
