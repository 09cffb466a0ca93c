"""OpenAPI pieces the API's views share (documentation only: nothing here runs on a request).

- ``LanguageField``, ``language_parameter()``: a served language, documented as the enum of
  ``settings.LANGUAGES`` codes (``en`` … ``zh-hans``); the views also accept any usual spelling
  of one (``fr-FR``, ``zh-Hans``) through ``languages.normalize_language``. ``StatusField``,
  ``AudienceField``: the article's lifecycle status and audience. Each enum is one component.
- ``Error`` / ``ConflictError``: the body of every error, ``{"error": {"code", "message",
  "field"?}}`` (``errors.error_body``); a conflicting save adds ``current_revision`` and ``changes``.
- ``error_responses(*groups)``: ``{status: OpenApiResponse}`` for an operation, each status
  described with the error codes it carries; a group is a ``{status: [code, …]}`` dict such as
  ``SIGNED_IN`` or ``JSON_BODY``, and every operation gets ``ANY_REQUEST``'s.
- ``ArticleSummary``, ``RevisionSaved``: response bodies several write operations share.
"""
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from ..languages import bcp47, site_languages
from ..models import Article

LANGUAGE_NOTE = ("A served language by its code (settings.LANGUAGES); requests may also spell it any usual "
                 "way (fr-FR, fr_FR, zh-Hans).")
LANGUAGE_SCHEMA = {"type": "string", "enum": site_languages()}
BCP47_LANGUAGE_SCHEMA = {"type": "string", "enum": [bcp47(code) for code in site_languages()]}
# A number the editing service gives a new article (editing.actions.NUMBER_FORM_RE); any number
# is looked up, as the URL's str converter takes it (imported files may carry others).
NUMBER_SCHEMA = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
                 "description": "ASCII letters, digits, '-', '.' and '_'; of the form KA-N, up to KA-99999999."}
NUMBER_PATH_SCHEMA = {"type": "string", "pattern": r"^[^/\x00-\x1f\x7f]+$"}
# What a query parameter may hold (middleware.RejectInvalidCharactersMiddleware, else 400
# invalid_characters): no control character but tab and line breaks, and nothing the text gate
# refuses; the non-characters beyond the first plane and invalid UTF-8 are refused too, which
# a pattern cannot name in every regex dialect. TEXT_PARAMETER_SCHEMA also needs a character
# that is neither a space nor one of those (str.strip() leaves it).
_NONCHARACTERS = r"\ufdd0-\ufdef\ufffe\uffff"
_ALLOWED = rf"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f{_NONCHARACTERS}]"
PARAMETER_SCHEMA = {"type": "string", "pattern": rf"^{_ALLOWED}*$"}
TEXT_PARAMETER_SCHEMA = {"type": "string",
                         "pattern": rf"^{_ALLOWED}*[^\s\x00-\x1f\x7f\x85{_NONCHARACTERS}]{_ALLOWED}*$"}
# What text in a request body may hold (textgate: no NUL and no non-character, else 400
# invalid_characters; lone surrogates and the non-characters beyond the first plane are refused
# too, which these patterns do not name).
# TEXT_PATTERN also needs a character that str.strip() leaves.
_GATED = rf"[^\x00{_NONCHARACTERS}]"
BODY_TEXT_PATTERN = rf"^{_GATED}*$"
TEXT_PATTERN = rf"^{_GATED}*[^\s\x00\x1c-\x1f\x85{_NONCHARACTERS}]{_GATED}*$"


class EnumField(serializers.CharField):
    """A CharField at run time (the view or service names a refused value); in the schema a
    reference to the enum component ``COMPONENT`` (``SCHEMA``), one per set of values."""

    COMPONENT, SCHEMA = "", {}


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True
    priority = 1  # before RequestTextExtension

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(name=field.COMPONENT, type=ResolvedComponent.SCHEMA, object=field.COMPONENT,
                                      schema=field.SCHEMA)
        auto_schema.registry.register_on_missing(component)
        return component.ref


class RequestTextExtension(OpenApiSerializerFieldExtension):
    """Text sent in a request body: what the text gate lets through (``BODY_TEXT_PATTERN``)."""

    target_class = serializers.CharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and "pattern" not in schema:
            schema["pattern"] = BODY_TEXT_PATTERN
        return schema


# A request body's serializer whose schema names every property it takes (additionalProperties:
# false; the views ignore others, but the text gate reads them). No docstring: drf-spectacular
# would give it to every subclass as its description.
class RequestBody(serializers.Serializer):
    pass


class RequestBodyExtension(OpenApiSerializerExtension):
    target_class = RequestBody
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False} if direction == "request" else schema


class LanguageField(EnumField):
    """A served language's code; requests may spell it any usual way (``fr-FR``)."""

    COMPONENT, SCHEMA = "LanguageEnum", {**LANGUAGE_SCHEMA, "description": LANGUAGE_NOTE}


class Bcp47LanguageField(EnumField):
    """A served language as search results spell it (``languages.bcp47``: ``zh-Hans``)."""

    COMPONENT, SCHEMA = "Bcp47LanguageEnum", {**BCP47_LANGUAGE_SCHEMA,
                                              "description": "A served language in BCP 47 spelling (zh-Hans)."}


class StatusField(EnumField):
    COMPONENT, SCHEMA = "StatusEnum", {"type": "string", "enum": Article.Status.values,
                                       "description": "The KCS lifecycle: wip → not_validated → validated → archived."}


class AudienceField(EnumField):
    COMPONENT, SCHEMA = "AudienceEnum", {"type": "string", "enum": Article.Audience.values}


@extend_schema_field({"type": "string", "pattern": TEXT_PATTERN,
                      "description": "Text with at least one non-space character."})
class TextField(serializers.CharField):
    """A CharField at run time (the service refuses blank text); non-blank in the schema."""


@extend_schema_field({"oneOf": [{"type": "array", "maxItems": 100,
                                 "items": {"type": "string", "maxLength": 200, "pattern": BODY_TEXT_PATTERN}},
                                {"type": "string", "pattern": BODY_TEXT_PATTERN}],
                      "description": "A list of text items, or one text of comma-separated items."})
class ItemsField(serializers.JSONField):
    """Keywords or products: a list of texts, or one comma-separated text."""


def language_parameter(name="lang", location=OpenApiParameter.QUERY, required=False, description=LANGUAGE_NOTE):
    return OpenApiParameter(name, LANGUAGE_SCHEMA, location, required=required, description=description)


def number_parameter():
    return OpenApiParameter("number", NUMBER_PATH_SCHEMA, OpenApiParameter.PATH, required=True,
                            description="The article number, in any case (ka-23014 finds KA-23014).")


# -- errors ------------------------------------------------------------------------------------
class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: the codes of each status are listed with it.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    field = serializers.CharField(required=False, help_text="The request field or parameter refused "
                                                            "(nested ones dotted: translation.body).")


class Error(serializers.Serializer):
    error = ErrorDetail()


class TextChange(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete", "replace"])
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class ListChange(serializers.Serializer):
    old = serializers.ListField(child=serializers.CharField())
    new = serializers.ListField(child=serializers.CharField())


class FieldChanges(serializers.Serializer):
    """Only the fields that differ are present (``editing.diff.changed_fields``)."""

    title = TextChange(many=True, required=False)
    description = TextChange(many=True, required=False)
    body = TextChange(many=True, required=False, help_text="Word by word (character by character in Chinese, "
                                                            "Japanese and Korean); the old parts join to the old text.")
    keywords = ListChange(required=False)
    products = ListChange(required=False)


class ConflictError(Error):
    current_revision = serializers.IntegerField(required=False, help_text="With code conflict: the latest "
                                                "revision, to save from again.")
    changes = FieldChanges(required=False, help_text="With code conflict: what changed since the request's "
                                                     "base_revision.")
    conflicts = serializers.DictField(child=serializers.DictField(), required=False,
                                      help_text="With code conflict: each field both saves changed, as "
                                                "{\"base\", \"theirs\", \"yours\"}.")
    merged = serializers.DictField(required=False, allow_null=True,
                                   help_text="With code conflict: the content with every other change of both "
                                             "saves kept and the request's value in conflicting fields.")


STATUS_TITLES = {
    400: "The request is refused", 401: "Not signed in, or the token is wrong",
    403: "Signed in without the role this needs (or a session request without its CSRF token)",
    404: "No such article, translation or revision (or none the caller may see)",
    409: "The article's state refuses it", 413: "The request body is too large",
    415: "The request body is not JSON", 429: "Too many requests from this address: try again after Retry-After seconds",
    503: "Unavailable for a moment: try again after Retry-After seconds",
}
# Every API request: a refused character in a parameter or more parameters than the server reads
# (middleware.check_parameters), a wrong token, a database gone away.
ANY_REQUEST = {400: ["invalid_characters", "too_many_parameters"], 401: ["authentication_failed"],
               503: ["database_unavailable"]}
SIGNED_IN = {401: ["not_authenticated"]}
EDITOR = {**SIGNED_IN, 403: ["forbidden"]}
# A body: JSON as the parsers read it, or a form the middleware refused (unreadable_form: a
# multipart body that cannot be parsed).
JSON_BODY = {400: ["invalid_json", "too_deep", "invalid_characters", "unreadable_form"], 403: ["forbidden"],
             413: ["request_too_large"], 415: ["unsupported_media_type"]}
# What the serializers answer for a field of the wrong type or a missing one.
FIELDS = {400: ["required", "invalid", "null", "blank", "not_a_dict", "max_value", "min_value", "max_string_length"]}


UNROUTED = ("An address that matches no API route (a path parameter outside its pattern, such as a language "
            "'x/y') gets the site's 404 page, in HTML.")


def error_responses(*groups):
    """``{status: OpenApiResponse(Error)}`` for the statuses of ``groups`` and ``ANY_REQUEST``,
    each described with its codes in order (409 with ``ConflictError``). A 404 (operations with
    path parameters) is also documented as ``text/html``: see ``UNROUTED``."""
    codes = {}
    for group in (ANY_REQUEST, *groups):
        for status, names in group.items():
            codes.setdefault(status, [])
            codes[status] += [name for name in names if name not in codes[status]]
    responses = {}
    for status, names in sorted(codes.items()):
        description = f"{STATUS_TITLES[status]}. Codes: " + ", ".join(f"`{name}`" for name in names) + "."
        if status == 404:
            description += " " + UNROUTED
        responses[(status, "application/json")] = OpenApiResponse(ConflictError if status == 409 else Error,
                                                                  description=description)
        if status == 404:
            responses[(404, "text/html")] = OpenApiResponse(OpenApiTypes.STR, description=description)
    return responses


# -- shared response bodies ------------------------------------------------------------------
class TranslationSummary(serializers.Serializer):
    language = LanguageField()
    title = serializers.CharField()
    revision = serializers.IntegerField(allow_null=True,
                                        help_text="The latest revision (readers: the published one).")
    published_revision = serializers.IntegerField(allow_null=True)
    outdated = serializers.BooleanField(help_text="The source language's published text moved past the revision "
                                                  "this translation was written from.")


class ArticleSummary(serializers.Serializer):
    number = serializers.CharField()
    status = StatusField()
    audience = AudienceField()
    source_language = LanguageField()
    translations = TranslationSummary(many=True, help_text="Readers see published translations only.")


class RevisionSaved(serializers.Serializer):
    number = serializers.CharField()
    language = LanguageField()
    revision = serializers.IntegerField()
    published_revision = serializers.IntegerField(allow_null=True)
    draft = serializers.BooleanField(help_text="Readers keep the published revision until a publisher publishes.")
    title = serializers.CharField()
