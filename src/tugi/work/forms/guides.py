from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input

from ..models import Area, GuideKind


class GuideForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("URL name"),
        max_length=100,
        help_text=_("Letters, digits and hyphens; used in the guide's address."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=GuideKind.choices)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.filter(is_active=True).exclude(username="system")
    )
    review_interval_days = forms.IntegerField(
        label=_("Review interval (days)"), min_value=1, max_value=3660, initial=365
    )
    last_reviewed_on = forms.DateField(label=_("Last reviewed"), widget=date_input())
    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 16}))
