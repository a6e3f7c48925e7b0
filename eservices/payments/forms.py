from django import forms
from django.utils.translation import gettext_lazy as _


class RefundForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount to refund (đồng)"), min_value=1)
    reason = forms.CharField(label=_("Reason (shown to the payer)"), widget=forms.Textarea(
        attrs={"rows": 3}), max_length=1000)  # fmt: skip


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CSV or XLSX)"))


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("How was it resolved?"), max_length=1000)
