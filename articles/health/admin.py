"""The admin's view on what keeps articles trustworthy, for staff.

Owners, reviews, reports and tasks are changed through the editing service (the editor pages
and the API) with its permission checks and events, so the admin shows them read-only; the
site's review settings and the products' intervals are changed here through the same service
(``editing.health``), so every review date follows at once.
"""
from django.contrib import admin, messages

from ..editing import health as care
from ..editing.errors import EditingError
from .models import ArticleHealth, Flag, HealthSettings, ReviewInterval, Task, Verification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleHealth)
class ArticleHealthAdmin(ReadOnly):
    list_display = ("article", "owner_user", "owner_group", "review_interval_days", "reviewed_at", "review_due")
    search_fields = ("article__number", "owner_user__username", "owner_group__name")
    list_select_related = ("article", "owner_user", "owner_group")


@admin.register(Verification)
class VerificationAdmin(ReadOnly):
    list_display = ("article", "at", "by", "review_due")
    search_fields = ("article__number", "by__username")
    list_select_related = ("article", "by")


@admin.register(Task)
class TaskAdmin(ReadOnly):
    list_display = ("article", "kind", "state", "opened_at", "closed_at", "closed_by")
    list_filter = ("kind", "state")
    search_fields = ("article__number",)
    list_select_related = ("article", "closed_by")


@admin.register(Flag)
class FlagAdmin(ReadOnly):
    list_display = ("task", "reason", "language", "user", "created_at")
    list_filter = ("reason", "language")
    search_fields = ("task__article__number", "comment")
    list_select_related = ("task__article", "user")


@admin.register(HealthSettings)
class HealthSettingsAdmin(admin.ModelAdmin):
    list_display = ("default_interval_days", "show_last_reviewed")

    def has_add_permission(self, request):
        return not HealthSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            care.set_review_settings(request.user, obj.default_interval_days, obj.show_last_reviewed)
        except EditingError as error:
            self.message_user(request, error.message, level=messages.ERROR)


@admin.register(ReviewInterval)
class ReviewIntervalAdmin(admin.ModelAdmin):
    list_display = ("product", "days")
    list_select_related = ("product",)

    def save_model(self, request, obj, form, change):
        try:
            care.set_product_interval(request.user, obj.product.name, obj.days)
        except EditingError as error:
            self.message_user(request, error.message, level=messages.ERROR)

    def delete_model(self, request, obj):
        care.set_product_interval(request.user, obj.product.name, None)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("product"):
            self.delete_model(request, obj)
