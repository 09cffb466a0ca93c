"""``POST /api/similar-articles`` — the existing articles close to a draft, for an editor about to
write one (``search.similar``): ``{"title", "description", "body", "language", "lang", "exclude",
"limit"}`` → ``{"semantic": bool, "results": [{"article_number", "language", "title", "url",
"cosine"}]}``. Editors and publishers only. Errors: 400 ``missing_text`` (no text in title,
description or body), ``unknown_language``, ``max_length`` and the other field checks, naming the field."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import languages
from ..editing.content import clean_language
from ..editing.errors import Invalid
from ..editing.permissions import require_edit
from ..links import article_url
from ..search import semantic
from ..search.similar import MAX_BODY_CHARS, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, Draft, similar_to_draft
from .articles import _valid
from .schema import EDITOR, FIELDS, JSON_BODY, Bcp47LanguageField, LanguageField, RequestBody, error_responses

MAX_EXCLUDED = 20


class SimilarIn(RequestBody):
    title = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TITLE_CHARS,
                                  trim_whitespace=False, help_text="The draft's title.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_DESCRIPTION_CHARS,
                                        trim_whitespace=False)
    body = serializers.CharField(required=False, allow_blank=True, max_length=MAX_BODY_CHARS,
                                 trim_whitespace=False,
                                 help_text="Markdown; its KCS symptoms section (else its opening) is compared. "
                                           "Send its first 20,000 characters.")
    language = LanguageField(required=False, help_text="The draft's language (default: lang, else en); its words "
                                                       "are searched in it.")
    lang = LanguageField(required=False, help_text="The editor's language (default: language, else en): each "
                                                   "article is shown in it when it has that translation.")
    exclude = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                    max_length=MAX_EXCLUDED, help_text="Article numbers to leave out (the one "
                                                                       "being translated).")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=10, default=5)


class SimilarArticleOut(serializers.Serializer):
    article_number = serializers.CharField()
    language = Bcp47LanguageField(help_text="The translation shown: lang's when the article has it.")
    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="The article's page in lang.")
    cosine = serializers.FloatField(allow_null=True, help_text="Closeness in meaning to the draft (the cosine of "
                                                               "their vectors, languages taken out); null with "
                                                               "semantic search off.")


class SimilarOut(serializers.Serializer):
    semantic = serializers.BooleanField(help_text="false: semantic search is off, words alone were compared.")
    results = SimilarArticleOut(many=True, help_text="Best first, one per article, in any language; drafts "
                                                     "and internal articles included, archived ones not.")


@extend_schema(request=SimilarIn, operation_id="similar_articles", responses={200: SimilarOut, **error_responses(
    EDITOR, JSON_BODY, FIELDS, {400: ["missing_text", "unknown_language", "max_length", "not_a_list"]})},
    description="The existing articles closest to a draft in words or meaning, in any language (search before "
                "you create). Editors and publishers.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def similar_articles(request):
    require_edit(request.user)
    data = _valid(SimilarIn, request)
    draft = Draft(data.get("title", ""), data.get("description", ""), data.get("body", ""))
    if not any(part.strip() for part in draft):
        raise Invalid("title", _("Give a title, a description or a body to compare."), code="missing_text")
    language = clean_language(data["language"]) if data.get("language") else None
    lang = clean_language(data["lang"], "lang") if data.get("lang") else (language or "en")
    language = language or lang
    found = similar_to_draft(draft, language, request.user, limit=data["limit"], exclude=data.get("exclude", []),
                             shown_in=lang)
    return Response({"semantic": semantic.enabled(), "results": [{
        "article_number": item.article_number, "language": languages.bcp47(item.language), "title": item.title,
        "url": article_url(lang, item.article_number), "cosine": item.cosine} for item in found]})
