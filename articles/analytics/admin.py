"""Read-only admin lists: staff may look through the search log and the readers' comments."""
from django.contrib import admin

from .models import Feedback, SearchEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchEvent)
class SearchEventAdmin(ReadOnly):
    list_display = ["query", "language", "results", "opened_article", "opened_rank", "source", "searched_at"]
    list_filter = ["language", "source"]
    search_fields = ["query_key"]
    date_hierarchy = "searched_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnly):
    list_display = ["article", "language", "helpful", "comment", "updated_at"]
    list_filter = ["language", "helpful"]
    search_fields = ["article__number", "comment"]
    exclude = ["reader"]
