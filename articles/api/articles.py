"""Writing articles: thin views over ``editing.actions`` (permissions, revisions and the index
journal are there). Each validates the request's shape, calls the service, answers JSON."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..editing import actions, queries
from ..editing.content import clean_language, preview_html
from ..editing.errors import Invalid
from ..editing.permissions import require_edit


class ContentSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    description = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    keywords = serializers.JSONField(required=False)
    products = serializers.JSONField(required=False)
    body = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)


class TranslationInSerializer(ContentSerializer):
    language = serializers.CharField()


class CreateArticleSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_null=True)
    audience = serializers.CharField(required=False, allow_null=True)
    message = serializers.CharField(required=False, allow_blank=True)
    translation = TranslationInSerializer()


class SaveTranslationSerializer(ContentSerializer):
    base_revision = serializers.IntegerField(allow_null=True, min_value=0)
    message = serializers.CharField(required=False, allow_blank=True)


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True)


class PreviewSerializer(serializers.Serializer):
    language = serializers.CharField()
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


def _valid(serializer_class, request):
    if not isinstance(request.data, dict):
        raise Invalid("", _("The request body must be a JSON object."), code="invalid_json")
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(request=CreateArticleSerializer, responses={201: dict})
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def create_article(request):
    data = _valid(CreateArticleSerializer, request)
    article = actions.create_article(request.user, translation=data["translation"], number=data.get("number"),
                                     audience=data.get("audience"), message=data.get("message", ""))
    return Response(queries.article_summary(article, request.user), status=status.HTTP_201_CREATED)


@extend_schema(responses={200: dict})
@api_view(["GET"])
def article_detail(request, number):
    article = queries.get_article(number, request.user)
    return Response(queries.article_summary(article, request.user))


@extend_schema(request=SaveTranslationSerializer, responses={200: dict})
@api_view(["GET", "PUT"])
def translation_detail(request, number, lang):
    if request.method == "GET":
        article = queries.get_article(number, request.user)
        translation = queries.get_translation(article, clean_language(lang), request.user)
        return Response(_translation_body(translation))
    if not request.user.is_authenticated:
        raise _not_authenticated()
    data = _valid(SaveTranslationSerializer, request)
    revision = actions.save_translation(request.user, number, lang, data, base_revision=data["base_revision"],
                                        message=data.get("message", ""))
    return Response(_revision_saved(revision))


@extend_schema(request=TransitionSerializer, responses={200: dict})
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def transitions(request, number):
    data = _valid(TransitionSerializer, request)
    article = actions.transition(request.user, number, data["to"], comment=data.get("comment", ""))
    return Response(queries.article_summary(article, request.user))


@extend_schema(responses={200: dict}, operation_id="articles_translations_revisions_list")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def revisions(request, number, lang):
    translation = _editable_translation(request, number, lang)
    return Response({"number": translation.article.number, "language": translation.language,
                     "revisions": [_revision_meta(r) for r in queries.revisions_of(translation)]})


@extend_schema(responses={200: dict}, operation_id="articles_translations_revision_retrieve")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def revision_detail(request, number, lang, revision):
    translation = _editable_translation(request, number, lang)
    found = queries.get_revision(translation, revision)
    return Response({**_revision_meta(found), **queries.revision_fields(found)})


@extend_schema(parameters=[OpenApiParameter("from", int, required=True), OpenApiParameter("to", int, required=True)],
               responses={200: dict})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def diff(request, number, lang):
    translation = _editable_translation(request, number, lang)
    numbers = {}
    for name in ("from", "to"):
        raw = request.query_params.get(name, "")
        if not raw.isdigit():
            raise Invalid(name, _("Parameter '%(name)s' must be a revision number.") % {"name": name},
                          code="invalid_parameter")
        numbers[name] = int(raw)
    return Response({"from": numbers["from"], "to": numbers["to"],
                     "changes": queries.diff_revisions(translation, numbers["from"], numbers["to"])})


@extend_schema(request=None, responses={200: dict})
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def restore(request, number, lang, revision):
    message = request.data.get("message", "") if isinstance(request.data, dict) else ""
    restored = actions.restore_revision(request.user, number, lang, revision, message=str(message))
    return Response(_revision_saved(restored))


@extend_schema(request=PreviewSerializer, responses={200: dict})
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


def _translation_body(translation):
    return {"number": translation.article.number, "language": translation.language, "title": translation.title,
            "description": translation.description, "keywords": translation.keywords,
            "products": [p.name for p in translation.products.all()], "body": translation.body,
            "revision": translation.latest_revision, "published_revision": translation.published_revision,
            "shown_revision": translation.shown_revision}


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
