"""The answer form is built from the survey's questions: one field per question, named q_<id>."""

from django import forms

from .constants import FREE_TEXT_MAX_LENGTH, RATING_LABELS, QuestionKind
from .models import Question
from .services import field_name


def question_field(question: Question) -> forms.Field:
    common = {"label": question.text, "required": question.required, "help_text": question.help}
    if question.kind == QuestionKind.SINGLE_CHOICE:
        return forms.TypedChoiceField(
            choices=[(o.pk, o.label) for o in question.options.all()],
            coerce=int,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.TypedMultipleChoiceField(
            choices=[(o.pk, o.label) for o in question.options.all()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if question.kind == QuestionKind.RATING:
        return forms.TypedChoiceField(
            choices=list(RATING_LABELS.items()), coerce=int, widget=forms.RadioSelect, **common
        )
    return forms.CharField(
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        **common,
    )


class SurveyAnswerForm(forms.Form):
    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = question_field(question)
            field.question = question
            self.fields[field_name(question.pk)] = field

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(field_name(q.pk)) for q in self.questions}
