"""Page forms. The dossier form is built from the procedure's JSON Schema; its validation is
`schema_forms.validate`, the same function the API uses (errors are copied onto the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .schema_forms import FieldSpec, field_specs


def _field_for(spec: FieldSpec) -> forms.Field:
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    if spec.kind == "boolean":
        return forms.BooleanField(**common)
    if spec.choices:
        choices = [("", "—"), *[(str(value), label) for value, label in spec.choices]]
        return forms.ChoiceField(choices=choices, **common)
    if spec.format == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind in ("integer", "number"):
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.widget == "textarea" else forms.TextInput
    return forms.CharField(widget=widget, max_length=spec.max_length, **common)


class DossierForm(forms.Form):
    contact_phone = forms.CharField(
        label=_("Mobile phone for notifications"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, schema: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = field_specs(schema)
        for spec in self.specs:
            self.fields[spec.name] = _field_for(spec)
            if spec.required:
                self.fields[spec.name].required_by_schema = True
                self.fields[spec.name].widget.attrs["aria-required"] = "true"

    def schema_data(self) -> dict:
        return {spec.name: self.cleaned_data.get(spec.name) for spec in self.specs}

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class AttachmentForm(forms.Form):
    document_code = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 5 MB)"))

    def __init__(self, *args, documents: list[dict], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        key = "en" if language == "en" else "vi"
        self.fields["document_code"].choices = [(d["code"], d[key]) for d in documents]


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=40)
    phone = forms.CharField(
        label=_("Mobile phone given in the dossier"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )


class StaffActionForm(forms.Form):
    to = forms.ChoiceField(label=_("Next step"))
    note = forms.CharField(label=_("Reason or note (the citizen reads it)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices


class ResultUploadForm(forms.Form):
    file = forms.FileField(label=_("Result document drawn by staff (PDF): it will be signed"))


class CounterDossierForm(forms.Form):
    """A dossier received at the counter is recorded so that the online share has its
    denominator."""

    procedure = forms.ChoiceField(label=_("Procedure"))
    contact_phone = forms.CharField(
        label=_("Citizen's mobile phone (for the SMS notifications)"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [(p.code, str(p)) for p in procedures]
