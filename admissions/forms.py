from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gis.constants import DistanceMetric
from gis.selectors import admin_unit_list
from portal.core.i18n import language_is_vietnamese

from .constants import (
    CategoryScope,
    Gender,
    LateEntryReason,
    Mechanism,
    Relationship,
    ResidenceType,
)
from .selectors import round_categories, round_school_list

MAX = settings.ADMISSIONS_MAX_CHOICES


class ApplicationForm(forms.Form):
    # Not required here: the service reports it with every other missing field at once.
    child_full_name = forms.CharField(label=_("Child's full name"), max_length=200, required=False)
    child_dob = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    child_gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    child_personal_id = forms.CharField(
        label=_("Child's personal ID number (12 digits)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    late_entry_reason = forms.ChoiceField(
        label=_("Late-entry reason (only for children older than the prescribed age)"),
        choices=[("", "—"), *LateEntryReason.choices],
        required=False,
    )
    late_entry_evidence = forms.FileField(
        label=_("Late-entry evidence (PDF or photo): required with a late-entry reason"),
        required=False,
    )
    guardian_full_name = forms.CharField(
        label=_("Parent or guardian's full name"), max_length=200, required=False
    )
    guardian_personal_id = forms.CharField(
        label=_("Parent or guardian's citizen ID (12 digits)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    guardian_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    guardian_relationship = forms.ChoiceField(
        label=_("Relationship to the child"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
    )
    address_text = forms.CharField(label=_("Current address"), max_length=500, required=False)
    ward_code = forms.ChoiceField(label=_("Ward / commune (as you know it)"), required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    residence_type = forms.ChoiceField(
        label=_("Residence type"), choices=[("", "—"), *ResidenceType.choices], required=False
    )
    residence_evidence = forms.FileField(
        label=_("Residence evidence (PDF or photo)"), required=False
    )
    priority_category = forms.ChoiceField(label=_("Priority category"), required=False)
    priority_school = forms.TypedChoiceField(
        label=_("School of the priority"),
        help_text=_(
            "Only for a priority that counts at one school (marked “at one school”): the school "
            "the sibling attends or where the parent works. The committee checks it against "
            "the evidence."
        ),
        coerce=int,
        empty_value=None,
        required=False,
    )
    priority_evidence = forms.FileField(label=_("Priority evidence (PDF or photo)"), required=False)
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, admission_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = admission_round
        self.fields["ward_code"].choices = [
            ("", "—"),
            *admin_unit_list().values_list("code", "name"),
        ]
        self.fields["priority_category"].choices = [("", _("None"))] + [
            (c.code, self._category_label(c))
            for c in round_categories(admission_round=admission_round)
        ]
        schools = [("", "—")] + [
            (rs.school_id, rs.school.name)
            for rs in round_school_list(admission_round=admission_round)
        ]
        self.fields["priority_school"].choices = schools
        for i in range(1, MAX + 1):
            self.fields[f"choice_{i}"] = forms.TypedChoiceField(
                label=_("Choice %(n)s") % {"n": i},
                choices=schools,
                coerce=int,
                empty_value=None,
                required=False,
            )

    @classmethod
    def _category_label(cls, category) -> str:
        label = category.label_vi if language_is_vietnamese() else category.label_en
        if category.scope == CategoryScope.SCHOOL:
            scope = _("at one school")  # outside the f-string, so makemessages finds it
            return f"{label} ({scope})"
        return label

    def choice_fields(self):
        return [self[f"choice_{i}"] for i in range(1, MAX + 1)]

    def child_fields(self):
        return [self[n] for n in ("child_full_name", "child_dob", "child_gender")] + [
            self["child_personal_id"],
            self["late_entry_reason"],
            self["late_entry_evidence"],
        ]

    def guardian_fields(self):
        names = ("guardian_full_name", "guardian_personal_id", "guardian_phone")
        return [self[n] for n in (*names, "guardian_relationship")]

    def choices_list(self) -> list[int]:
        return [
            self.cleaned_data[f"choice_{i}"]
            for i in range(1, MAX + 1)
            if self.cleaned_data.get(f"choice_{i}")
        ]


class StaffDecisionForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("under_review", _("Start review")),
            ("verified", _("Verify")),
            ("correction_requested", _("Request a correction")),
            ("rejected", _("Reject")),
            ("enrolled", _("Mark as enrolled")),
        ],
    )
    note = forms.CharField(label=_("Reason / message to the family"), required=False)


class RunForm(forms.Form):
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=Mechanism.choices)
    distance_metric = forms.ChoiceField(
        label=_("Distance for priority"),
        choices=DistanceMetric.choices,
        required=False,
        help_text=_(
            "The round's choice by default. Another metric gives a simulation that can be "
            "compared but never published."
        ),
    )
    seed = forms.IntegerField(
        label=_("Lottery seed"),
        min_value=0,
        # Up to 19 digits: wide enough to read them all, a numeric keypad on a phone.
        widget=forms.NumberInput(attrs={"class": "seed", "inputmode": "numeric", "size": 20}),
        help_text=_(
            "The round's seed, fixed when the window closed. Another seed gives a simulation "
            "that can be compared but never published."
        ),
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[("main", _("Main round")), ("second", _("Second round"))],
        initial="main",
    )
