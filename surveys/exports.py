"""Answer sheets as CSV and XLSX: one row per sheet, one column per question (Vietnamese labels)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils import timezone

from portal.core.spreadsheets import spreadsheet_safe

from . import selectors
from .constants import Audience, QuestionKind
from .models import Question, Response, Survey

FIXED_COLUMNS = ["answer_sheet", "submitted_at", "language"]
MULTIPLE_SEPARATOR = "; "


def header(*, survey: Survey, questions: list[Question]) -> list[str]:
    columns = list(FIXED_COLUMNS)
    if survey.audience == Audience.SIGNED_IN:
        # An anonymous answer's subject (a dossier code) would name the family: it stays in the
        # database for the KPI's per-procedure counts and never reaches a staff export.
        columns += ["subject", "respondent"]
    columns += [f"{index}. {q.text_vi}" for index, q in enumerate(questions, start=1)]
    return [spreadsheet_safe(column) for column in columns]


def _cell(question: Question, answers: list) -> str | int:
    if question.kind == QuestionKind.RATING:
        return answers[0].rating if answers else ""
    if question.kind == QuestionKind.FREE_TEXT:
        return answers[0].text if answers else ""
    return MULTIPLE_SEPARATOR.join(a.option.label_vi for a in answers)


def _row(survey: Survey, questions: list[Question], response: Response) -> list:
    by_question: dict[int, list] = {}
    for answer in response.answers.all():
        by_question.setdefault(answer.question_id, []).append(answer)
    row = [
        str(response.uuid),
        timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
        response.language,
    ]
    if survey.audience == Audience.SIGNED_IN:
        row.append(response.subject_ref)
        row.append(response.respondent.get_username() if response.respondent else "")
    row += [_cell(q, by_question.get(q.pk, [])) for q in questions]
    return [spreadsheet_safe(cell) for cell in row]


def rows(*, survey: Survey) -> Iterator[list]:
    questions = selectors.survey_questions(survey=survey)
    yield header(survey=survey, questions=questions)
    for response in selectors.response_list_for_export(survey=survey):
        yield _row(survey, questions, response)


def responses_csv(*, survey: Survey) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(survey=survey))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def responses_xlsx(*, survey: Survey) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("answers")
    for row in rows(survey=survey):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
