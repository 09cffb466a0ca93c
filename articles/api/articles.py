"""Writing articles: thin views over ``editing.actions`` (permissions, revisions and the index
journal are there). Each validates the request's shape, calls the service, answers JSON.
The serializers validate; the ``*In`` ones below them add, for the schema only, what the service
checks beyond them (a title and a non-blank body)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import languages
from ..editing import actions, queries
from ..editing.content import clean_language, preview_html
from ..editing.errors import Invalid
from ..editing.permissions import require_edit
from ..models import MAX_DATABASE_INTEGER, sees_unpublished
from ..switching import whole_number
from .schema import (EDITOR, FIELDS, JSON_BODY, NUMBER_SCHEMA, ArticleSummary, AudienceField, FieldChanges,
                     ItemsField, LanguageField, RequestBody, RevisionSaved, StatusField, TextField,
                     error_responses, language_parameter, number_parameter)


@extend_schema_field({**NUMBER_SCHEMA, "nullable": True})
class NumberField(serializers.CharField):
    pass


class ContentSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    description = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    keywords = ItemsField(required=False)
    products = ItemsField(required=False)
    body = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)


class TranslationInSerializer(ContentSerializer):
    language = LanguageField()


class CreateArticleSerializer(serializers.Serializer):
    number = NumberField(required=False, allow_null=True, help_text="Omitted or null: the next free KA- number.")
    audience = AudienceField(required=False, allow_null=True, help_text="external (the default) or internal.")
    message = serializers.CharField(required=False, allow_blank=True)
    translation = TranslationInSerializer()


class SaveTranslationSerializer(ContentSerializer):
    base_revision = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=MAX_DATABASE_INTEGER,
        help_text="The revision the edit started from; null for a new translation.")
    message = serializers.CharField(required=False, allow_blank=True)


class TransitionSerializer(RequestBody):
    to = StatusField()
    comment = serializers.CharField(required=False, allow_blank=True)
    revisions = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_DATABASE_INTEGER), required=False,
        help_text="The latest revision of each translation, by language, that the publisher reviewed: "
                  "publishing (to validated) answers 409 invalid_transition when a translation it would "
                  "publish has a later revision or is not listed.")


class PreviewSerializer(RequestBody):
    language = LanguageField()
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


BODY_HELP = "Markdown, up to 1 MB; may begin with a front-matter block (title, description, keywords, solution)."
TITLE_HELP = "At most 500 characters. A body whose front matter has a title may leave it out."


class TranslationIn(RequestBody, TranslationInSerializer):
    title = TextField(trim_whitespace=False, help_text=TITLE_HELP)
    body = TextField(trim_whitespace=False, help_text=BODY_HELP)


class ArticleIn(RequestBody, CreateArticleSerializer):
    translation = TranslationIn()


class TranslationSaveIn(RequestBody, SaveTranslationSerializer):
    title = TextField(trim_whitespace=False, help_text=TITLE_HELP)
    body = TextField(trim_whitespace=False, help_text=BODY_HELP)


class RestoreIn(RequestBody):
    message = serializers.CharField(required=False, allow_blank=True, help_text="Defaults to 'Restored revision n'.")


# -- response bodies ---------------------------------------------------------------------------
class TranslationOut(serializers.Serializer):
    number = serializers.CharField()
    language = LanguageField()
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    keywords = serializers.ListField(child=serializers.CharField())
    products = serializers.ListField(child=serializers.CharField())
    body = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField(allow_null=True,
                                        help_text="The latest revision (readers: the published one).")
    published_revision = serializers.IntegerField(allow_null=True)
    shown_revision = serializers.IntegerField(allow_null=True, required=False,
                                              help_text="The revision these fields hold (editors and publishers).")


class RevisionMeta(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    author = serializers.CharField(allow_null=True)
    import_path = serializers.CharField(allow_null=True, help_text="The file an import made it from.")
    message = serializers.CharField(allow_blank=True)
    restored_from = serializers.IntegerField(allow_null=True)
    source_revision = serializers.IntegerField(allow_null=True, help_text="The source language's revision this "
                                               "translation was written from.")


class RevisionList(serializers.Serializer):
    number = serializers.CharField()
    language = LanguageField()
    revisions = RevisionMeta(many=True, help_text="Newest first.")


class RevisionOut(RevisionMeta):
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    keywords = serializers.ListField(child=serializers.CharField())
    products = serializers.ListField(child=serializers.CharField())
    body = serializers.CharField(allow_blank=True)


class DiffOut(serializers.Serializer):
    from_ = serializers.IntegerField()
    to = serializers.IntegerField()
    changes = FieldChanges()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class PreviewOut(serializers.Serializer):
    html = serializers.CharField(allow_blank=True, help_text="Sanitized HTML, as the article page renders the body.")


# The error codes of the editing service's checks of a translation's content.
CONTENT = {400: ["unknown_language", "required", "invalid_type", "too_long", "too_large", "too_complex", "too_slow", "invalid_yaml"]}
NOT_FOUND = {404: ["not_found"]}
TRANSLATION_PATH = [number_parameter(), language_parameter(location=OpenApiParameter.PATH, required=True)]
REVISION_PATH = [*TRANSLATION_PATH, OpenApiParameter("revision", {"type": "integer", "minimum": 0},
                                                     OpenApiParameter.PATH, required=True)]


def _valid(serializer_class, request):
    if not isinstance(request.data, dict):
        raise Invalid("", _("The request body must be a JSON object."), code="invalid_json")
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(request=ArticleIn, responses={201: ArticleSummary, **error_responses(
    EDITOR, JSON_BODY, FIELDS, CONTENT, {400: ["invalid_choice", "invalid", "exists", "out_of_range",
                                               "sequence_exhausted"]})},
    description="A new article in work in progress with its first translation (revision 1). Editors and publishers.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def create_article(request):
    data = _valid(CreateArticleSerializer, request)
    article = actions.create_article(request.user, translation=data["translation"], number=data.get("number"),
                                     audience=data.get("audience"), message=data.get("message", ""))
    return Response(queries.article_summary(article, request.user), status=status.HTTP_201_CREATED)


@extend_schema(parameters=[number_parameter()], responses={200: ArticleSummary, **error_responses(NOT_FOUND)})
@api_view(["GET"])
def article_detail(request, number):
    article = queries.get_article(number, request.user)
    return Response(queries.article_summary(article, request.user))


@extend_schema(methods=["GET"], parameters=TRANSLATION_PATH, responses={
    200: TranslationOut, **error_responses({400: ["unknown_language"]}, NOT_FOUND)})
@extend_schema(methods=["PUT"], parameters=TRANSLATION_PATH, request=TranslationSaveIn, responses={
    200: RevisionSaved, **error_responses(EDITOR, JSON_BODY, FIELDS, CONTENT, NOT_FOUND,
                                          {409: ["conflict", "invalid_transition"]})},
    description="A new revision (a new translation with base_revision null). 409 conflict when base_revision is "
                "not the latest; 409 invalid_transition when the article is archived.")
@api_view(["GET", "PUT"])
def translation_detail(request, number, lang):
    if request.method == "GET":
        article = queries.get_article(number, request.user)
        translation = queries.get_translation(article, clean_language(lang), request.user)
        return Response(_translation_body(translation, request.user))
    if not request.user.is_authenticated:
        raise _not_authenticated()
    data = _valid(SaveTranslationSerializer, request)
    revision = actions.save_translation(request.user, number, lang, data, base_revision=data["base_revision"],
                                        message=data.get("message", ""))
    return Response(_revision_saved(revision))


@extend_schema(parameters=[number_parameter()], request=TransitionSerializer, responses={
    200: ArticleSummary, **error_responses(EDITOR, JSON_BODY, FIELDS, {400: ["invalid_choice", "invalid_type", "too_long"]},
                                           NOT_FOUND, {409: ["invalid_transition"]})},
    description="wip → not_validated (editors); any other move (publishers): validated publishes every "
                "translation's latest revision (409 invalid_transition when revisions is given and one of them is not the revision listed).")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def transitions(request, number):
    data = _valid(TransitionSerializer, request)
    seen = data.get("revisions")
    if seen is not None:
        seen = {languages.normalize_language(code) or code: revision for code, revision in list(seen.items())[:64]}
    article = actions.transition(request.user, number, data["to"], comment=data.get("comment", ""), seen=seen)
    return Response(queries.article_summary(article, request.user))


@extend_schema(parameters=TRANSLATION_PATH, responses={
    200: RevisionList, **error_responses(EDITOR, {400: ["unknown_language"]}, NOT_FOUND)},
    operation_id="articles_translations_revisions_list")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def revisions(request, number, lang):
    translation = _editable_translation(request, number, lang)
    return Response({"number": translation.article.number, "language": translation.language,
                     "revisions": [_revision_meta(r) for r in queries.revisions_of(translation)]})


@extend_schema(parameters=REVISION_PATH, responses={
    200: RevisionOut, **error_responses(EDITOR, {400: ["unknown_language"]}, NOT_FOUND)},
    operation_id="articles_translations_revision_retrieve")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def revision_detail(request, number, lang, revision):
    translation = _editable_translation(request, number, lang)
    found = queries.get_revision(translation, revision)
    return Response({**_revision_meta(found), **queries.revision_fields(found)})


@extend_schema(parameters=[*TRANSLATION_PATH, *(OpenApiParameter(name, {"type": "integer", "minimum": 0},
                                                                   required=True, description="A revision number.")
                                                  for name in ("from", "to"))],
               responses={200: DiffOut, **error_responses(
                   EDITOR, {400: ["unknown_language", "invalid_parameter"]}, NOT_FOUND)})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def diff(request, number, lang):
    translation = _editable_translation(request, number, lang)
    numbers = {}
    for name in ("from", "to"):
        numbers[name] = whole_number(request.query_params.get(name))
        if numbers[name] is None:
            raise Invalid(name, _("Parameter '%(name)s' must be a revision number.") % {"name": name},
                          code="invalid_parameter")
    return Response({"from": numbers["from"], "to": numbers["to"],
                     "changes": queries.diff_revisions(translation, numbers["from"], numbers["to"])})


@extend_schema(parameters=REVISION_PATH, request=RestoreIn, responses={
    200: RevisionSaved, **error_responses(EDITOR, JSON_BODY, {400: ["unknown_language", "invalid_type", "too_long"]}, NOT_FOUND,
                                          {409: ["invalid_transition"]})},
    description="A new revision holding the content of revision `revision`; 409 invalid_transition when the "
                "article is archived.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def restore(request, number, lang, revision):
    if not isinstance(request.data, dict):  # no body reads as {}; "x", [] or 1 are not a request
        raise Invalid("", _("The request body must be a JSON object."), code="invalid_json")
    message = request.data.get("message", "")
    restored = actions.restore_revision(request.user, number, lang, revision, message=message)
    return Response(_revision_saved(restored))


@extend_schema(request=PreviewSerializer, responses={200: PreviewOut, **error_responses(
    EDITOR, JSON_BODY, FIELDS, {400: ["unknown_language", "invalid_type", "too_large", "too_complex", "too_slow"]})})
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def preview(request):
    require_edit(request.user)
    data = _valid(PreviewSerializer, request)
    return Response({"html": preview_html(data["body"], clean_language(data["language"]))})


def _editable_translation(request, number, lang):
    require_edit(request.user)
    article = queries.get_article(number, request.user)
    return queries.get_translation(article, clean_language(lang), request.user)


def _not_authenticated():
    from rest_framework.exceptions import NotAuthenticated

    return NotAuthenticated()


def _translation_body(translation, user):
    body = {"number": translation.article.number, "language": translation.language, "title": translation.title,
            "description": translation.description, "keywords": translation.keywords,
            "products": [p.name for p in translation.products.all()], "body": translation.body,
            "revision": queries.revision_seen_by(translation, user),
            "published_revision": translation.published_revision}
    if sees_unpublished(user):
        body["shown_revision"] = translation.shown_revision
    return body


def _revision_saved(revision):
    translation = revision.translation
    return {"number": translation.article.number, "language": translation.language, "revision": revision.number,
            "published_revision": translation.published_revision,
            "draft": translation.published_revision is not None and revision.number > translation.published_revision,
            "title": revision.title}


def _revision_meta(revision):
    return {"number": revision.number, "created_at": revision.created_at.isoformat(),
            "author": revision.author.get_username() if revision.author else None,
            "import_path": revision.import_path or None, "message": revision.message,
            "restored_from": revision.restored_from, "source_revision": revision.source_revision}
