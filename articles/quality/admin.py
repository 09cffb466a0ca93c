"""The admin of the quality checklist: publishers (as staff) add, reword, reweigh, reorder and
retire questions. Every change goes through the editing service (``editing.quality``) with the
acting user; its refusals are the form's field errors. A question scores answered is never
deleted (its answers keep old AQIs valid): retire it instead."""
from django import forms
from django.contrib import admin, messages
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..editing import quality as scoring
from ..editing.errors import EditingError, Invalid
from .models import Question

FIELDS = ("key", "text", "texts", "weight", "position", "automatic_check")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (*FIELDS, "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].required = False  # made from the text when left empty

    def clean(self):
        values = super().clean()
        given = {name: values.get(name) for name in FIELDS if name in self.changed_data or not self.instance.pk}
        if "text" in given:
            given["text"] = given["text"] or ""
        if self.instance.pk:
            given.pop("key", None)
        try:
            cleaned = scoring.clean_question(given, creating=not self.instance.pk)
        except Invalid as error:
            name = error.field.split(".")[0]
            self.add_error(name if name in self.fields else None, error.message)
        else:
            self.changes = cleaned
        return values


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ("key", "shown_text", "weight", "position", "automatic_check", "active")
    list_filter = ("active", "automatic_check")
    search_fields = ("key", "msgid", "text")
    readonly_fields = ("msgid", "retired_at")
    actions = ["retire", "reinstate"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "key") if obj else self.readonly_fields

    @admin.display(description=_("text"))
    def shown_text(self, question):
        return question.text_in(translation.get_language() or "en")

    def save_model(self, request, obj, form, change):
        try:
            if change:
                values = {k: v for k, v in form.changes.items() if k in form.changed_data}
                if values:
                    scoring.change_question(request.user, obj.key, values)
                if "active" in form.changed_data:
                    scoring.set_question_active(request.user, obj.key, obj.active)
            else:
                made = scoring.add_question(request.user, form.changes)
                if not obj.active:
                    scoring.set_question_active(request.user, made.key, False)
                obj.pk, obj.key = made.pk, made.key
        except EditingError as error:
            self.message_user(request, error.message, level=messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.answers.exists())

    @admin.action(description=_("Retire the selected questions"))
    def retire(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description=_("Ask the selected questions again"))
    def reinstate(self, request, queryset):
        self._set_active(request, queryset, True)

    def _set_active(self, request, queryset, active):
        try:
            for key in queryset.values_list("key", flat=True):
                scoring.set_question_active(request.user, key, active)
        except EditingError as error:
            self.message_user(request, error.message, level=messages.ERROR)
