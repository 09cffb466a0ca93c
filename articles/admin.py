"""The admin: staff change an article's KCS status and audience, and hide a translation.

Content is edited by re-importing its file until the editor (with revisions and rendering on
save) exists; every save here reaches the search index through ``articles.signals``.
"""
from django.contrib import admin

from .models import Article, ImportRun, Translation


class TranslationInline(admin.TabularInline):
    model = Translation
    fields = ("language", "title", "hidden", "updated_at")
    readonly_fields = ("language", "title", "updated_at")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "audience", "key_source")
    list_filter = ("status", "audience")
    search_fields = ("number", "translations__title")
    readonly_fields = ("number", "key_source")
    inlines = [TranslationInline]


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    list_display = ("article", "language", "title", "hidden", "updated_at")
    list_filter = ("language", "hidden")
    search_fields = ("article__number", "title")
    list_select_related = ("article",)
    fields = ("article", "language", "title", "description", "hidden", "source_path", "updated_at")
    readonly_fields = ("article", "language", "title", "description", "source_path", "updated_at")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "imported", "updated", "unchanged", "failed")
    readonly_fields = [field.name for field in ImportRun._meta.fields]
