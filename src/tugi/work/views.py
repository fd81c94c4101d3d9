"""Pages of the work area: partners and contacts, guides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.viewkit import form_view, list_view, need

from . import selectors, services
from .filters import ContactFilter, GuideFilter, PartnerFilter
from .forms import ContactForm, GuideForm, PartnerForm
from .markdown import render_markdown
from .models import Contact, Guide, Partner
from .tables import ContactTable, GuideTable, PartnerTable


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


def guide_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_guide")
    return list_view(
        request,
        filterset=GuideFilter(request.GET, queryset=selectors.guides(user=request.user)),
        table_class=GuideTable,
        template="work/guide_list.html",
        export_name="guides.csv",
    )


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_restricted(Guide.objects.select_related("owner"), request.user, slug=slug)
    return render(
        request,
        "work/guide_detail.html",
        {
            "guide": guide,
            "html": render_markdown(guide.body),
            "can_edit": can(request.user, "work.change_guide"),
            "can_review": services.guide_can_confirm_review(guide=guide, actor=request.user),
        },
    )


def guide_create(request: HttpRequest) -> HttpResponse:
    need(request, "work.add_guide")
    form = GuideForm(
        request.POST or None, initial={"owner": request.user.pk, "last_reviewed_on": dt.date.today()}
    )
    return form_view(
        request,
        form,
        lambda d: services.guide_create(actor=request.user, **d),
        title=_("New guide"),
        success=lambda g: redirect("work:guide_detail", g.slug),
        message=_("Guide saved."),
    )


def guide_edit(request: HttpRequest, slug: str) -> HttpResponse:
    need(request, "work.change_guide")
    guide = get_restricted(Guide.objects.all(), request.user, "change", slug=slug)
    form = GuideForm(request.POST or None, initial={f: getattr(guide, f) for f in services.GUIDE_FIELDS})
    return form_view(
        request,
        form,
        lambda d: services.guide_update(guide=guide, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": guide},
        success=lambda g: redirect("work:guide_detail", g.slug),
    )


@require_POST
def guide_review(request: HttpRequest, slug: str) -> HttpResponse:
    need(request, "work.change_guide")
    guide = get_restricted(Guide.objects.all(), request.user, "change", slug=slug)
    try:
        services.guide_mark_reviewed(guide=guide, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Review confirmed."))
    return redirect("work:guide_detail", guide.slug)
