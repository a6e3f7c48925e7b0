from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .codes import document_code_normalise


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Document code"),
        max_length=40,
        help_text=_("Printed beside the QR code, e.g. 7KQ4-M2XP-9D3R-TB5W."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        canonical = document_code_normalise(self.cleaned_data["code"])
        if canonical is None:
            raise forms.ValidationError(
                _("This is not a document code: check the 16 letters and digits.")
            )
        return canonical


class UploadForm(forms.Form):
    pdf = forms.FileField(
        label=_("Signed PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        limit = settings.DOCUMENTS_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return upload


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page: write no personal data."),
    )
