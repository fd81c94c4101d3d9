"""The standard view contract of the delivery and ticket pages (permissions, create, bad input,
export, audit, query counts, edit)."""

from __future__ import annotations

from typing import Any

from tests.base import ViewContract
from tugi.core.roles import Role
from tugi.delivery.models import Delivery, Ticket

from .factories import DeliveryDateFactory, DeliveryFactory, TicketFactory


class TestDeliveryViews(ViewContract):
    list_url = "delivery:deliveries_list"
    create_url = "delivery:deliveries_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = Role.DOMAIN_SUPPORT
    create_event = "delivery.delivery_created"
    update_event = "delivery.delivery_updated"

    def make(self) -> Any:
        delivery = DeliveryFactory()
        DeliveryDateFactory(delivery=delivery, stage="uat")
        return delivery

    def detail_url(self, obj: Any) -> str:
        return f"/delivery/deliveries/{obj.pk}/"

    def create_data(self) -> dict[str, Any]:
        return {"system": "STAR", "version": "2027.05", "kind": "planned", "description": "Mai tarne"}

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"system": "STAR", "version": "", "kind": "planned"}, "version"

    def created(self, data: dict[str, Any]) -> Any:
        return Delivery.objects.filter(system=data["system"], version=data["version"] or "-")

    def edit_url(self, obj: Any) -> str:
        return f"/delivery/deliveries/{obj.pk}/edit/"

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "kind": "hotfix", "rollback_plan": "Restore the previous release."}


class TestTicketViews(ViewContract):
    list_url = "delivery:tickets_list"
    create_url = "delivery:tickets_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = None
    create_event = "delivery.ticket_created"
    update_event = "delivery.ticket_updated"

    def make(self) -> Any:
        return TicketFactory(delivery=DeliveryFactory(version="2026.12"))

    def detail_url(self, obj: Any) -> str:
        return f"/delivery/tickets/{obj.pk}/"

    def create_data(self) -> dict[str, Any]:
        return {
            "key": "SKAIS-900",
            "title": "Uus muudatus",
            "system": "SKAIS",
            "issue_type": "Story",
            "status": "new",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {
            "key": "not a key",
            "title": "x",
            "system": "SKAIS",
            "issue_type": "Story",
            "status": "new",
        }, "key"

    def created(self, data: dict[str, Any]) -> Any:
        return Ticket.objects.filter(key=data["key"].upper())

    def edit_url(self, obj: Any) -> str:
        return f"/delivery/tickets/{obj.pk}/edit/"

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "title": "Changed title",
            "issue_type": "Bug",
            "business_description": obj.business_description,
        }
