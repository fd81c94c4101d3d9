from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.base import ViewContract
from tests.factories import PersonFactory
from tugi.core.identity import make_code
from tugi.core.models import Person
from tugi.core.roles import Role


class TestPersonViews(ViewContract):
    list_url = "core:person_list"
    create_url = "core:person_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "core.person_created"
    update_event = "core.person_updated"

    def make(self) -> Any:
        return PersonFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("core:person_detail", args=[obj.uid])

    def create_data(self) -> dict[str, Any]:
        import datetime as dt

        return {
            "personal_code": make_code(dt.date(1961, 5, 17), "F", 123),
            "first_name": "Malle",
            "last_name": "Kuusk",
            "reason": "new pensioner",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"personal_code": "49403136516", "first_name": "Malle", "last_name": "Kuusk"}, "personal_code"

    def edit_url(self, obj: Any) -> str:
        return reverse("core:person_edit", args=[obj.uid])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"first_name": obj.first_name, "last_name": "Uus-Perenimi", "reason": "marriage"}

    def created(self, data: dict[str, Any]) -> Any:
        return Person.objects.filter(personal_code=data["personal_code"])
