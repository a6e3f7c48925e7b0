"""The survey builder: a survey with its questions inline, a question with its options inline."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Option, Question, Survey


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    show_change_link = True
    fields = [
        ("position", "kind", "required"),
        ("text_vi", "text_en"),
        ("help_vi", "help_en"),
        "key",
    ]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 3
    fields = ["position", "label_vi", "label_en"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title_vi", "audience", "is_published", "opens_at", "closes_at", "links"]
    list_filter = ["audience", "is_published"]
    search_fields = ["title_vi", "title_en", "code"]
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": [("title_vi", "title_en"), ("intro_vi", "intro_en"), "code"]}),
        (_("Answering"), {"fields": ["audience", "is_published", ("opens_at", "closes_at")]}),
    ]

    @admin.display(description=_("Links"))
    def links(self, survey):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("surveys:answer", kwargs={"uuid": survey.uuid}),
            _("Answer page"),
            reverse("surveys:staff-results", kwargs={"uuid": survey.uuid}),
            _("Results"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text_vi", "survey", "kind", "required", "position"]
    list_filter = ["kind", "survey"]
    inlines = [OptionInline]
    fields = [
        "survey",
        ("position", "kind", "required"),
        ("text_vi", "text_en"),
        ("help_vi", "help_en"),
        "key",
    ]
