"""Result documents of the school's procedures: one template per kind of result.

A template names the context it needs (a missing or empty field is refused with its name) and
turns that context into the document's title and body. Context keys follow the e-service forms
(``student_full_name``, ``student_dob``, ``class_name``…), so a dossier's data can be passed with
the fields staff add on approval. Dates may be given as ``date`` or ISO text; they print as
dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from .constants import ResultTemplate
from .exceptions import DocumentInputInvalid
from .render import Block, Fields


@dataclass(frozen=True)
class ResultTemplateSpec:
    title: Callable[[], str]
    required: tuple[str, ...]
    body: Callable[[Mapping[str, object]], Sequence[Block]]


def _date(value: object, field: str) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise DocumentInputInvalid(
                f"{field}: not a date in YYYY-MM-DD form ({value!r})", field=f"context.{field}"
            ) from exc
    if not isinstance(value, dt.date):
        raise DocumentInputInvalid(f"{field}: not a date", field=f"context.{field}")
    return value.strftime("%d/%m/%Y")


def _student_rows(context: Mapping[str, object]) -> list[tuple[str, str]]:
    return [
        (gettext("Pupil's full name"), str(context["student_full_name"])),
        (gettext("Date of birth"), _date(context["student_dob"], "student_dob")),
    ]


def _confirmation_of_study(context: Mapping[str, object]) -> list[Block]:
    blocks: list[Block] = [
        gettext("The school confirms that the pupil below is studying at the school:"),
        Fields(
            [
                *_student_rows(context),
                (gettext("Class"), str(context["class_name"])),
                (gettext("School year"), str(context["school_year"])),
            ]
        ),
    ]
    if context.get("purpose"):
        blocks.append(
            gettext("This confirmation is issued for: %(purpose)s.")
            % {"purpose": context["purpose"]}
        )
    return blocks


def _transfer_acceptance(context: Mapping[str, object]) -> list[Block]:
    rows = [
        *_student_rows(context),
        (gettext("Transferring from"), str(context["current_school"])),
        (gettext("Admitted to grade"), str(context["grade"])),
        (gettext("School year"), str(context["school_year"])),
    ]
    if context.get("start_date"):
        rows.append((gettext("Starts on"), _date(context["start_date"], "start_date")))
    return [
        gettext("The school accepts the transfer of the pupil below:"),
        Fields(rows),
        gettext(
            "The family brings the pupil's record book and transfer papers to the school "
            "office on the first day."
        ),
    ]


def _subject_rows(context: Mapping[str, object]) -> list[tuple[str, str]]:
    subjects = context["subjects"]
    if not isinstance(subjects, Sequence) or isinstance(subjects, str) or not subjects:
        raise DocumentInputInvalid(
            "subjects: give a list of [subject, assessment] pairs", field="context.subjects"
        )
    rows = []
    for index, item in enumerate(subjects):
        if not (isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2):
            raise DocumentInputInvalid(
                f"subjects[{index}]: expected [subject, assessment]",
                field=f"context.subjects.{index}",
            )
        rows.append((str(item[0]), str(item[1])))
    return rows


def _record_book_copy(context: Mapping[str, object]) -> list[Block]:
    return [
        Fields(
            [
                *_student_rows(context),
                (gettext("Class"), str(context["class_name"])),
                (gettext("School year"), str(context["school_year"])),
            ]
        ),
        gettext("Results of the school year (Circular 27/2020/TT-BGDĐT):"),
        Fields(_subject_rows(context)),
        gettext("Copy made from the original record book kept by the school."),
    ]


def _service_registration(context: Mapping[str, object]) -> list[Block]:
    rows = [
        (gettext("Pupil's full name"), str(context["student_full_name"])),
        (gettext("Class"), str(context["class_name"])),
        (gettext("Service"), str(context["service_name"])),
        (gettext("Period"), str(context["period"])),
    ]
    if context.get("fee"):
        rows.append((gettext("Fee"), str(context["fee"])))
    return [
        gettext("The school confirms the registration below for a school service:"),
        Fields(rows),
    ]


RESULT_TEMPLATES: dict[str, ResultTemplateSpec] = {
    ResultTemplate.CONFIRMATION_OF_STUDY: ResultTemplateSpec(
        title=lambda: gettext("Confirmation of study"),
        required=("student_full_name", "student_dob", "class_name", "school_year"),
        body=_confirmation_of_study,
    ),
    ResultTemplate.TRANSFER_ACCEPTANCE: ResultTemplateSpec(
        title=lambda: gettext("Acceptance of a pupil's transfer"),
        required=("student_full_name", "student_dob", "current_school", "grade", "school_year"),
        body=_transfer_acceptance,
    ),
    ResultTemplate.RECORD_BOOK_COPY: ResultTemplateSpec(
        title=lambda: gettext("Copy of the record book (extract)"),
        required=("student_full_name", "student_dob", "class_name", "school_year", "subjects"),
        body=_record_book_copy,
    ),
    ResultTemplate.SERVICE_REGISTRATION: ResultTemplateSpec(
        title=lambda: gettext("Confirmation of registration for a school service"),
        required=("student_full_name", "class_name", "service_name", "period"),
        body=_service_registration,
    ),
}


def result_template(name: str) -> ResultTemplateSpec:
    try:
        return RESULT_TEMPLATES[name]
    except KeyError:
        known = ", ".join(RESULT_TEMPLATES)
        raise DocumentInputInvalid(
            f"template: unknown result template {name!r} (known: {known})", field="template"
        ) from None


def result_blocks(name: str, context: Mapping[str, object]) -> tuple[str, list[Block]]:
    """The title and body of a result, or a clear error naming the missing context field."""
    spec = result_template(name)
    for field in spec.required:
        value = context.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DocumentInputInvalid(
                f"{field}: required by the {name} template", field=f"context.{field}"
            )
    return spec.title(), list(spec.body(context))
