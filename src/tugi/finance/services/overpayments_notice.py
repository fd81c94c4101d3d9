"""The overpayment notice (PDF), regenerated on download from the stored decision and notice."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tugi.core.money import format_eur
from tugi.core.pdf import Block, Heading, Para, Table, render_pdf

from ..models import DebtorAccount, Overpayment
from ..selectors_overpayments import balance


def notice_pdf(overpayment: Overpayment) -> bytes:
    op = overpayment
    debtor = DebtorAccount.objects.filter(benefit=op.benefit, is_active=True).order_by("code").first()
    amount = op.decided_amount if op.decided_amount is not None else op.amount
    rows = [
        [_("Overpaid for the period"), f"{op.period_from:%d.%m.%Y} – {op.period_to:%d.%m.%Y}"],
        [_("Amount to repay"), format_eur(amount)],
        [_("Balance"), format_eur(balance(op))],
        [_("Due date"), f"{op.due_date:%d.%m.%Y}" if op.due_date else "—"],
        [_("Reference number"), op.reference_number or "—"],
        [_("Pay to"), f"{debtor.name}, {debtor.iban}" if debtor else "—"],
    ]
    blocks: list[Block] = [
        Heading(_("Notice of an overpayment %(id)s") % {"id": op.pk}),
        Para(_("Recipient: %(name)s (%(code)s)") % {"name": op.person, "code": op.person.masked_code}),
        Table([_("Item"), _("Value")], rows),
        Heading(_("Reasons of the decision"), 2),
        Para(op.decision_reasons or "—"),
        Para(
            _(
                "Please pay by the due date with the reference number above. If you cannot, contact us to "
                "agree an instalment plan or an offset from your payments."
            )
        ),
    ]
    return render_pdf(_("Overpayment notice"), blocks, subject=str(op))
