"""Forms of profiles: details, draft content, a proposed change, compare."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm

from ..models import ManagedSystem, Profile, ProfileStatus, Right, RightStatus


def _owners() -> Any:
    return get_user_model().objects.filter(is_active=True).exclude(username="system").order_by("username")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class ProfileEditForm(ReasonMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    owner = OwnerChoiceField(label=_("Owner"), queryset=_owners())
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    positions = forms.CharField(
        label=_("Job positions"),
        max_length=500,
        required=False,
        help_text=_("The job positions the profile is meant for, separated by commas."),
    )


class ProfileCreateForm(ProfileEditForm):
    system = forms.ModelChoiceField(label=_("System"), queryset=ManagedSystem.objects.all())
    code = forms.CharField(
        label=_("Code"), max_length=100, help_text=_("Letters, digits, underscores, dots and hyphens.")
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.order_fields(["system", "code", "name", "owner", "purpose", "positions", "reason"])


class RightChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = f"{obj.code} — {obj.name_et}"
        return f"{text} ({obj.get_status_display()})" if obj.status == RightStatus.VANISHED else text


class ProfileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name} ({obj.get_status_display()})"


class ProfileContentForm(ReasonMixin):
    """Rights and included profiles: the system's active rights (and any already chosen) and its
    other profiles that are not retired."""

    rights = RightChoiceField(
        label=_("Rights"),
        queryset=Right.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 14}),
    )
    includes = ProfileChoiceField(
        label=_("Included profiles"),
        queryset=Profile.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, profile: Profile, chosen_rights: list[int] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        rights = self.fields["rights"]
        rights.queryset = (  # type: ignore[attr-defined]
            Right.objects.filter(system_id=profile.system_id)
            .filter(Q(status=RightStatus.ACTIVE) | Q(pk__in=chosen_rights or []))
            .order_by("module", "code")
        )
        self.fields["includes"].queryset = (  # type: ignore[attr-defined]
            Profile.objects.filter(system_id=profile.system_id)
            .exclude(pk=profile.pk)
            .exclude(status=ProfileStatus.RETIRED)
            .order_by("code")
        )


class ProfileProposeForm(ProfileContentForm):
    note = forms.CharField(
        label=_("What the change is for"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]


class CompareForm(TugiForm):
    a = forms.ChoiceField(label=_("Profile or version A"))
    b = forms.ChoiceField(label=_("Profile or version B"))

    def __init__(self, *args: Any, choices: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["b"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
