"""NetBox-style test bases: subclass one, fill in a few attributes, get the standard tests.

``ViewContract`` gives a model its permission, list/detail, create, bad-input, export, audit and
query-count tests. Subclasses set:

- ``list_url`` / ``create_url``: URL names; ``detail_url(obj)``: the object's page;
- ``editor_role``: a role that may add; ``viewer_role``: a role that may only view (or None);
- ``make()``: one saved object; ``create_data()``: a valid form POST;
  ``bad_data()``: (invalid POST, the field named in the error);
- ``created(data)``: the query set of objects the valid POST should have created;
- optionally ``edit_url(obj)`` and ``edit_data(obj)`` (a valid change) for the edit tests,
  with ``update_event`` the event type it must write.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.urls import reverse

from tugi.core.models import AuditEvent
from tugi.core.roles import Role

from .helpers import assert_queries_do_not_grow


@pytest.mark.django_db
class ViewContract:
    list_url: ClassVar[str]
    create_url: ClassVar[str]
    editor_role: ClassVar[Role]
    viewer_role: ClassVar[Role | None] = None
    create_event: ClassVar[str]
    update_event: ClassVar[str] = ""

    def make(self) -> Any:
        raise NotImplementedError

    def detail_url(self, obj: Any) -> str:
        raise NotImplementedError

    def create_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def bad_data(self) -> tuple[dict[str, Any], str]:
        raise NotImplementedError

    def created(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def edit_url(self, obj: Any) -> str:
        raise NotImplementedError

    def edit_data(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    # --- the contract --------------------------------------------------------------------------

    def test_anonymous_is_sent_to_login(self, client: Any) -> None:
        response = client.get(reverse(self.list_url))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_user_without_role_gets_403_on_list_and_404_on_detail(
        self, make_user: Any, client_for: Any
    ) -> None:
        obj = self.make()
        client = client_for(make_user())
        assert client.get(reverse(self.list_url)).status_code == 403
        assert client.get(self.detail_url(obj)).status_code == 404

    def test_auditor_reads_list_and_detail(self, auditor: Any, client_for: Any) -> None:
        obj = self.make()
        client = client_for(auditor)
        assert client.get(reverse(self.list_url)).status_code == 200
        assert client.get(self.detail_url(obj)).status_code == 200

    def test_auditor_cannot_create(self, auditor: Any, client_for: Any) -> None:
        client = client_for(auditor)
        count = AuditEvent.objects.count()
        data = self.create_data()
        response = client.post(reverse(self.create_url), data)
        assert response.status_code == 403
        assert not self.created(data).exists()
        assert AuditEvent.objects.count() == count

    def test_viewer_cannot_create(self, make_user: Any, client_for: Any) -> None:
        if self.viewer_role is None:
            pytest.skip("every role that sees this may also add it")
        client = client_for(make_user(self.viewer_role))
        data = self.create_data()
        assert client.post(reverse(self.create_url), data).status_code == 403
        assert not self.created(data).exists()

    def test_create_writes_exactly_one_audit_event(self, make_user: Any, client_for: Any) -> None:
        user = make_user(self.editor_role)
        client = client_for(user)
        before = AuditEvent.objects.count()
        data = self.create_data()
        response = client.post(reverse(self.create_url), data)
        assert response.status_code == 302, (
            getattr(response, "context", {}) and response.context["form"].errors
        )
        assert self.created(data).count() == 1
        events = AuditEvent.objects.all()[: AuditEvent.objects.count() - before]
        assert [e.event_type for e in events] == [self.create_event]
        assert events[0].actor == user
        assert events[0].after

    def test_bad_input_names_the_field_and_changes_nothing(self, make_user: Any, client_for: Any) -> None:
        client = client_for(make_user(self.editor_role))
        data, field = self.bad_data()
        count = AuditEvent.objects.count()
        response = client.post(reverse(self.create_url), data)
        assert response.status_code == 200
        assert field in response.context["form"].errors, response.context["form"].errors
        assert f'data-field="{field}"' in response.content.decode()
        assert not self.created(data).exists()
        assert AuditEvent.objects.count() == count

    def test_list_exports_csv(self, auditor: Any, client_for: Any) -> None:
        self.make()
        response = client_for(auditor).get(reverse(self.list_url), {"export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
        assert len(lines) >= 2

    def test_list_query_count_does_not_grow_with_rows(self, auditor: Any, client_for: Any) -> None:
        client = client_for(auditor)
        self.make()
        client.get(reverse(self.list_url))  # warm caches (content types, sessions)
        assert_queries_do_not_grow(
            lambda: [self.make() for _ in range(5)],
            lambda: client.get(reverse(self.list_url)),
        )

    def test_edit_writes_one_event_with_before_and_after(self, make_user: Any, client_for: Any) -> None:
        if not self.update_event:
            pytest.skip("no edit form for this model")
        obj = self.make()
        user = make_user(self.editor_role)
        before = AuditEvent.objects.count()
        response = client_for(user).post(self.edit_url(obj), self.edit_data(obj))
        assert response.status_code == 302
        events = list(AuditEvent.objects.all()[: AuditEvent.objects.count() - before])
        assert [e.event_type for e in events] == [self.update_event]
        assert events[0].before and events[0].after and events[0].before != events[0].after
        assert events[0].actor == user

    def test_auditor_cannot_edit(self, auditor: Any, client_for: Any) -> None:
        if not self.update_event:
            pytest.skip("no edit form for this model")
        obj = self.make()
        count = AuditEvent.objects.count()
        response = client_for(auditor).post(self.edit_url(obj), self.edit_data(obj))
        assert response.status_code in (403, 404)
        assert AuditEvent.objects.count() == count
