"""The JSON API of notifications: the caller's own inbox and preferences (editors and
publishers), thin over ``inbox`` and ``preferences``, with the API's one error shape.

    GET  /api/notifications/?page=&page_size=&unread=&lang=     newest first
    GET  /api/notifications/<id>/                  404 when it is not the caller's
    POST /api/notifications/<id>/read/             {"read"?: true|false} -> the notification
    POST /api/notifications/read/                  {"ids"?: [id], "before"?: time} -> {"marked", "unread"}
    GET|PUT /api/notifications/preferences/        {"modes"?: {kind: mode}, "language"?: code|null}
"""
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import languages
from ..api.articles import _valid
from ..api.schema import (EDITOR, FIELDS, JSON_BODY, EnumField, LanguageField, RequestBody, error_responses,
                          language_parameter)
from ..editing.errors import Invalid
from ..editing.permissions import require_edit
from . import describe, inbox, preferences as choices
from .models import Kind, Mode

NOT_FOUND = {404: ["not_found"]}
PARAMETERS = {400: ["invalid_parameter"]}
PREFERENCE_ERRORS = {400: ["invalid_choice", "unknown_kind", "unknown_language", "invalid_type"]}
MARK_ERRORS = {400: ["invalid_parameter"]}
ID_PATH = [OpenApiParameter("notification_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH,
                            required=True)]
LIST_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, required=False, description="From 1 (the default)."),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": inbox.MAX_PAGE_SIZE}, required=False,
                     description=f"Default {inbox.PAGE_SIZE}."),
    OpenApiParameter("unread", {"type": "string", "enum": ["0", "1", "false", "true"]}, required=False,
                     description="1: the unread ones only."),
    language_parameter(description="The language of each notification's text; default: the caller's e-mail "
                                   "language."),
]


class KindField(EnumField):
    COMPONENT, SCHEMA = "NotificationKindEnum", {"type": "string", "enum": Kind.values}


class ModeField(EnumField):
    """A mode; a value that is none is refused by ``preferences`` naming ``modes.<kind>``."""

    COMPONENT, SCHEMA = "NotificationModeEnum", {
        "type": "string", "enum": Mode.values,
        "description": "off; in_app: the inbox only; immediate: also an e-mail at once; digest: also the daily "
                       "digest e-mail."}


class DeliveryField(EnumField):
    COMPONENT, SCHEMA = "NotificationDeliveryEnum", {"type": "string", "enum": ["in_app", "immediate", "digest"]}


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = KindField()
    text = serializers.CharField(help_text="What happened, one sentence in the language asked for.")
    article = serializers.CharField(allow_null=True, help_text="The article's number; null: it was deleted.")
    title = serializers.CharField(allow_blank=True, help_text="The article's title in the language asked for, "
                                                              "else the best other.")
    task = serializers.IntegerField(allow_null=True, help_text="The task it concerns (flagged, task_assigned, "
                                                               "review_due).")
    actor = serializers.CharField(allow_null=True, help_text="Who acted; null: a reader or the daily run.")
    detail = serializers.CharField(allow_blank=True, help_text="flagged: the report's reason; task_assigned: the "
                                                               "task's kind.")
    comment = serializers.CharField(allow_blank=True, help_text="The send-back or report comment.")
    link = serializers.CharField(allow_blank=True, help_text="The editor page it leads to (a path).")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    delivery = DeliveryField(help_text="How it was to reach the user, as they chose when it was made.")
    emailed_at = serializers.DateTimeField(allow_null=True)


class NotificationList(serializers.Serializer):
    total = serializers.IntegerField(help_text="How many match.")
    unread = serializers.IntegerField(help_text="How many of the caller's are unread.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    notifications = NotificationOut(many=True, help_text="Newest first.")


class ReadIn(RequestBody):
    read = serializers.BooleanField(required=False, default=True, help_text="false: unread again. Default true.")


class ReadAllIn(RequestBody):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=inbox.MAX_ID), required=False,
                                max_length=inbox.MAX_PAGE_SIZE,
                                help_text="These only (ids not the caller's are left alone); omitted: every one.")
    before = serializers.DateTimeField(required=False, help_text="Only those made up to this time (the list the "
                                                                 "caller saw), not newer ones.")


class MarkedOut(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")
    unread = serializers.IntegerField()


class ModesIn(RequestBody):
    """``{kind: mode}``; a key that names no kind is refused (``modes.<key>``: ``unknown_kind``)."""

    def get_fields(self):
        return {kind.value: ModeField(required=False, help_text=str(kind.label)) for kind in Kind}

    def to_internal_value(self, data):
        unknown = [key for key in data if key not in Kind.values] if isinstance(data, dict) else []
        if unknown:
            key = str(unknown[0])[:40]
            raise serializers.ValidationError({key: [serializers.ErrorDetail(_unknown_kind(key), code="unknown_kind")]})
        return super().to_internal_value(data)


class PreferencesIn(RequestBody):
    modes = ModesIn(required=False, help_text="The kinds given change; the others stay.")
    language = LanguageField(required=False, allow_null=True, allow_blank=True,
                             help_text="The language of e-mails; null or \"\": the one last used in the editor.")


class ModesOut(serializers.Serializer):
    def get_fields(self):
        return {kind.value: ModeField() for kind in Kind}


class PreferencesOut(serializers.Serializer):
    modes = ModesOut(help_text="Every kind with its mode: off, in_app (the inbox), immediate (also an e-mail at "
                               "once), digest (also the daily digest e-mail).")
    language = LanguageField(allow_null=True, help_text="Chosen for e-mails; null: as in the editor.")
    editor_language = LanguageField(allow_null=True, help_text="The site's language last used in the editor.")
    email_language = LanguageField(help_text="The language e-mails are written in.")
    email = serializers.BooleanField(help_text="Whether the user has an e-mail address (else e-mails cannot reach "
                                               "them and come to the inbox only).")


@extend_schema(parameters=LIST_PARAMETERS, responses={200: NotificationList, **error_responses(EDITOR, PARAMETERS)},
               operation_id="notifications_list",
               description="The caller's notifications, newest first, a page at a time (editors and publishers).")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def notification_list(request):
    require_edit(request.user)
    unread = request.query_params.get("unread", "0")
    if unread not in ("0", "1", "false", "true"):
        raise Invalid("unread", _parameter_message("unread", "0, 1, false, true"), code="invalid_parameter")
    page = inbox.inbox_page(request.user, request.query_params.get("page") or 1,
                            request.query_params.get("page_size") or inbox.PAGE_SIZE,
                            unread_only=unread in ("1", "true"))
    language = _language(request)
    return Response({"total": page.total, "unread": page.unread, "page": page.page, "pages": page.pages,
                     "page_size": page.size,
                     "notifications": _bodies(page.notifications, language)})


@extend_schema(parameters=[*ID_PATH, LIST_PARAMETERS[-1]],
               responses={200: NotificationOut, **error_responses(EDITOR, PARAMETERS, NOT_FOUND)},
               operation_id="notifications_retrieve",
               description="One of the caller's notifications; anyone else's is a 404.")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def notification_detail(request, notification_id):
    require_edit(request.user)
    found = inbox.notification_of(request.user, notification_id)
    return Response(_bodies([found], _language(request))[0])


@extend_schema(parameters=[*ID_PATH, LIST_PARAMETERS[-1]], request=ReadIn,
               responses={200: NotificationOut, **error_responses(EDITOR, JSON_BODY, FIELDS, PARAMETERS, NOT_FOUND)},
               operation_id="notifications_read",
               description="Mark one of the caller's notifications read (or unread again with read: false).")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def notification_read(request, notification_id):
    require_edit(request.user)
    data = _valid(ReadIn, request)
    found = inbox.mark_read(request.user, notification_id, read=data.get("read", True))
    return Response(_bodies([found], _language(request))[0])


@extend_schema(request=ReadAllIn, responses={200: MarkedOut, **error_responses(EDITOR, JSON_BODY, FIELDS)},
               operation_id="notifications_read_all",
               description="Mark the caller's notifications read: every one, those listed, or those made up to a time.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def notifications_read_all(request):
    require_edit(request.user)
    data = _valid(ReadAllIn, request)
    marked = inbox.mark_all_read(request.user, ids=data.get("ids"), before=data.get("before"))
    return Response({"marked": marked, "unread": inbox.unread_count(request.user)})


@extend_schema(methods=["GET"], responses={200: PreferencesOut, **error_responses(EDITOR)},
               description="The caller's notification preferences.")
@extend_schema(methods=["PUT"], request=PreferencesIn,
               responses={200: PreferencesOut, **error_responses(EDITOR, JSON_BODY, FIELDS, PREFERENCE_ERRORS)},
               description="Change the caller's modes (the kinds given) and the language of their e-mails. 400 "
                           "names the field refused: modes.<kind>, language.")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def preferences(request):
    require_edit(request.user)
    if request.method == "GET":
        current = choices.preferences_of(request.user)
    else:
        data = _valid(PreferencesIn, request)
        current = choices.set_preferences(request.user, modes=data.get("modes"),
                                          language=data["language"] if "language" in data else choices.UNCHANGED)
    return Response({"modes": {kind.value: current.mode(kind).value for kind in Kind},
                     "language": current.language or None, "editor_language": current.editor_language or None,
                     "email_language": choices.email_language(current), "email": bool(request.user.email)})


def _bodies(notifications, language):
    with translation.override(language):
        return [entry_body(entry) for entry in describe.entries(notifications, language)]


def entry_body(entry):
    item = entry.notification
    return {"id": item.pk, "kind": item.kind, "text": entry.text,
            "article": item.article.number if item.article_id else None, "title": entry.title,
            "task": item.task_id, "actor": item.actor.get_username() if item.actor_id and item.actor else None,
            "detail": item.detail, "comment": item.comment, "link": entry.path,
            "created_at": item.created_at.isoformat(), "read_at": item.read_at.isoformat() if item.read_at else None,
            "delivery": item.delivery, "emailed_at": item.emailed_at.isoformat() if item.emailed_at else None}


def _language(request):
    """``?lang=`` (any spelling of a served language), else the caller's e-mail language."""
    asked = request.query_params.get("lang")
    if asked:
        code = languages.normalize_language(asked)
        if code is None:
            raise Invalid("lang", _parameter_message("lang", ", ".join(languages.site_languages())),
                          code="invalid_parameter")
        return code
    return choices.email_language(choices.preferences_of(request.user))


def _parameter_message(name, values):
    return _("Parameter '%(name)s' must be one of: %(values)s.") % {"name": name, "values": values}


def _unknown_kind(key):
    return _("'%(kind)s' is not a kind of notification (%(kinds)s).") % {"kind": key, "kinds": ", ".join(Kind.values)}
