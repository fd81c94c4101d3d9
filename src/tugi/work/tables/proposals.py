from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import ImprovementProposal


class ProposalTable(tables.Table):
    title = tables.TemplateColumn(
        "<a href=\"{% url 'work:proposal_detail' record.pk %}\">{{ record.title }}</a>",
        verbose_name=_("Title"),
    )
    author = tables.Column(verbose_name=_("Author"), accessor="author__username")
    decider = tables.Column(verbose_name=_("Decides"), accessor="decider__username")

    class Meta:
        model = ImprovementProposal
        fields = ("title", "author", "decider", "status", "created_at", "decided_at")
