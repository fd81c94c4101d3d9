"""Read tokens for consuming systems: each system gets a service user without roles (the
classifier API, SDMX and FHIR endpoints are readable by any signed-in user) and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.audit import audit_record, register_event_types
from tugi.core.permissions import require
from tugi.core.services import token_create

from ..models import ConsumingSystem

SERVICE_USER_PREFIX = "svc-"


@register_event_types
class InteropEvent(models.TextChoices):
    SERVICE_USER_CREATED = (
        "classifiers.consumer_service_user_created",
        gettext_lazy("service user of a consuming system created"),
    )


def _service_user(consumer: ConsumingSystem, actor: Any, reason: str) -> Any:
    if consumer.service_user_id is not None:
        return consumer.service_user
    user_model = get_user_model()
    username = f"{SERVICE_USER_PREFIX}{consumer.code}"[:150]
    if user_model.objects.filter(username=username).exists():
        raise ValidationError(
            {
                "consumer": _("A user named %(name)s exists already and is not this system's.")
                % {"name": username}
            }
        )
    user = user_model(
        username=username,
        first_name=consumer.name[:150],
        last_name=_("(service user)"),
        email=consumer.contact_email,
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    consumer.service_user = user
    consumer.save(update_fields=["service_user", "updated_at"])
    audit_record(
        event=InteropEvent.SERVICE_USER_CREATED,
        actor=actor,
        obj=consumer,
        before={"service_user": None},
        after={"service_user": username},
        reason=reason,
    )
    return user


@transaction.atomic
def consumer_token_issue(
    *, consumer: ConsumingSystem, name: str, actor: Any, days: int | None = None, reason: str = ""
) -> tuple[Any, str]:
    """A read token for ``consumer``'s service user (created without roles if missing).

    Returns the token record and its text (shown once). The caller creates it through the kernel's
    ``token_create`` on the authority of ``classifiers.change_consumingsystem``."""
    require(actor, "classifiers.change_consumingsystem")
    consumer = ConsumingSystem.objects.select_for_update().get(pk=consumer.pk)
    user = _service_user(consumer, actor, reason)
    token, text = token_create(
        user=user,
        name=name,
        actor=actor,
        days=days,
        reason=reason or _("read token for %(system)s") % {"system": consumer.code},
        on_behalf_permission="classifiers.change_consumingsystem",
    )
    return token, text
