"""The admin: a view on articles, translations and import runs for staff.

Articles are created and edited through the editing service (the API and the editor pages),
never here: the admin cannot add rows (its "Add" made articles without a number), and a
change of status, audience or a translation's ``hidden`` goes through ``editing.actions`` with the acting user, so its
permission check, event and index-journal entry are the same as everywhere else.
"""
from django.contrib import admin, messages

from .editing import actions
from .editing.errors import EditingError
from .models import Article, ImportRun, Revision, Translation


class TranslationInline(admin.TabularInline):
    model = Translation
    fields = ("language", "title", "latest_revision", "published_revision", "hidden", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "audience", "source_language", "key_source")
    list_filter = ("status", "audience")
    search_fields = ("number", "translations__title")
    fields = ("number", "status", "audience", "source_language", "key_source")
    readonly_fields = ("number", "source_language", "key_source")
    inlines = [TranslationInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        try:
            if "status" in form.changed_data:
                actions.transition(request.user, obj.number, obj.status)
            if "audience" in form.changed_data:
                actions.set_audience(request.user, obj.number, obj.audience)
        except EditingError as error:
            self.message_user(request, error.message, level=messages.ERROR)


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    list_display = ("article", "language", "title", "latest_revision", "published_revision", "hidden", "updated_at")
    list_filter = ("language", "hidden")
    search_fields = ("article__number", "title")
    list_select_related = ("article",)
    fields = ("article", "language", "title", "description", "latest_revision", "published_revision", "hidden",
              "source_path", "updated_at")
    readonly_fields = ("article", "language", "title", "description", "latest_revision", "published_revision",
                       "source_path", "updated_at")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        try:
            if "hidden" in form.changed_data:
                actions.set_hidden(request.user, obj.article.number, obj.language, obj.hidden)
        except EditingError as error:
            self.message_user(request, error.message, level=messages.ERROR)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("translation", "number", "created_at", "author", "import_path")
    list_select_related = ("translation__article", "author")
    search_fields = ("translation__article__number",)
    readonly_fields = [field.name for field in Revision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "imported", "updated", "unchanged", "failed")
    readonly_fields = [field.name for field in ImportRun._meta.fields]
