"""Pages of the partners topic: partner organisations and their contacts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors, services
from ..filters import ContactFilter, PartnerFilter
from ..forms import ContactForm, PartnerForm
from ..models import Contact, Partner
from ..tables import ContactTable, PartnerTable


def partner_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_partner")
    qs = selectors.partners(user=request.user).annotate(contact_count=Count("contacts"))
    return list_view(
        request,
        filterset=PartnerFilter(request.GET, queryset=qs),
        table_class=PartnerTable,
        template="work/partner_list.html",
        export_name="partners.csv",
    )


def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_restricted(Partner.objects.all(), request.user, pk=pk)
    contacts = partner.contacts.prefetch_related("subscriptions__topic")
    return render(
        request,
        "work/partner_detail.html",
        {
            "partner": partner,
            "contacts": contacts,
            "can_edit": can(request.user, "work.change_partner"),
            "can_add_contact": can(request.user, "work.add_contact"),
        },
    )


def partner_create(request: HttpRequest) -> HttpResponse:
    need(request, "work.add_partner")
    form = PartnerForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.partner_create(actor=request.user, **d),
        title=_("Add a partner"),
        success=lambda p: redirect("work:partner_detail", p.pk),
        message=_("Partner added."),
    )


def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_partner")
    partner = get_restricted(Partner.objects.all(), request.user, "change", pk=pk)
    initial = {f: getattr(partner, f) for f in services.PARTNER_FIELDS}
    form = PartnerForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.partner_update(partner=partner, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": partner},
        success=lambda p: redirect("work:partner_detail", p.pk),
    )


def contact_create(request: HttpRequest, partner_pk: int) -> HttpResponse:
    need(request, "work.add_contact")
    partner = get_restricted(Partner.objects.all(), request.user, pk=partner_pk)
    form = ContactForm(request.POST or None)

    return form_view(
        request,
        form,
        lambda d: services.contact_create(partner=partner, actor=request.user, **d),
        title=_("Add a contact to %(name)s") % {"name": partner},
        success=lambda c: redirect("work:partner_detail", partner.pk),
        message=_("Contact added."),
    )


def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_contact")
    contact = get_restricted(Contact.objects.all(), request.user, "change", pk=pk)
    initial: dict[str, Any] = {f: getattr(contact, f) for f in services.CONTACT_FIELDS}
    initial["topics"] = [s.topic_id for s in contact.subscriptions.all()]
    form = ContactForm(request.POST or None, initial=initial)

    return form_view(
        request,
        form,
        lambda d: services.contact_update(contact=contact, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": contact.name},
        success=lambda c: redirect("work:partner_detail", c.partner_id),
    )


@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.delete_contact")
    contact = get_restricted(Contact.objects.all(), request.user, "delete", pk=pk)
    partner_pk = contact.partner_id
    services.contact_delete(contact=contact, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Contact deleted."))
    return redirect("work:partner_detail", partner_pk)


def contact_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_contact")
    qs = selectors.contacts(user=request.user)
    return list_view(
        request,
        filterset=ContactFilter(request.GET, queryset=qs),
        table_class=ContactTable,
        template="work/contact_list.html",
        export_name="contacts.csv",
    )


urlpatterns: list[URLPattern] = [
    path("partners/", partner_list, name="partner_list"),
    path("partners/new/", partner_create, name="partner_create"),
    path("partners/<int:pk>/", partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", partner_edit, name="partner_edit"),
    path("partners/<int:partner_pk>/contacts/new/", contact_create, name="contact_create"),
    path("contacts/", contact_list, name="contact_list"),
    path("contacts/<int:pk>/edit/", contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contact_delete, name="contact_delete"),
]
