"""The JSON API of ``articles.health``: thin views over the editing service
(``editing.health``), with the API's one error shape (``api.errors``) and typed schemas.

    GET|PUT  /api/articles/<number>/owner/          {"user"?: name|null, "group"?: name|null} (PUT: publishers)
    GET|PUT  /api/articles/<number>/review/         {"interval_days": 1-3650|null} (PUT: its owner, publishers)
    GET|POST /api/articles/<number>/verifications/  {"comment"?} (POST: its owner, publishers) -> 201
    POST     /api/articles/<number>/flags/          {"reason", "comment"?, "language"} (editors) -> 201
    GET      /api/tasks/?state=&kind=&owner=&article=                          (editors)
    GET      /api/tasks/<id>/                                                  (editors)
    POST     /api/tasks/<id>/transitions/           {"to"?, "comment"?, "close_on_publish"?} (its owner, publishers)
    GET|PUT  /api/review-settings/                  {"default_interval_days"?, "show_last_reviewed"?,
                                                     "products"?: {name: days|null}} (PUT: publishers)
"""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..api.articles import _valid
from ..api.schema import (EDITOR, FIELDS, JSON_BODY, PARAMETER_SCHEMA, LanguageField, RequestBody, error_responses,
                          number_parameter)
from ..editing import health as care
from ..editing.content import clean_language
from ..editing.errors import Invalid, NotFound
from ..editing.permissions import require_edit
from ..editing.queries import get_article, get_translation
from ..models import MAX_DATABASE_INTEGER as MAX_ID
from . import owners, reviews, tasks
from .models import Flag, HealthSettings, ReviewInterval, Task

NOT_FOUND = {404: ["not_found"]}
OWNER_ERRORS = {400: ["unknown_user", "not_an_editor", "unknown_group", "one_owner"]}
INTERVAL_ERRORS = {400: ["invalid_type", "out_of_range"]}
COMMENT_ERRORS = {400: ["invalid_type", "too_long", "invalid_characters"]}
ARCHIVED = {409: ["invalid_transition"]}


class OwnerOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["user", "group"])
    name = serializers.CharField()


class ArticleOwner(serializers.Serializer):
    number = serializers.CharField()
    owner = OwnerOut(allow_null=True, help_text="null: nobody owns the article.")


class OwnerIn(RequestBody):
    user = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150,
                                 help_text="A user who may edit articles.")
    group = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150,
                                  help_text="A group of editors. Give a user or a group; neither: no owner.")


class ReviewState(serializers.Serializer):
    number = serializers.CharField()
    owner = OwnerOut(allow_null=True, help_text="null: nobody owns the article.")
    interval_days = serializers.IntegerField(allow_null=True, help_text="The article's own interval; null: its "
                                             "products' or the site's.")
    effective_interval_days = serializers.IntegerField(help_text="The interval its review date follows.")
    interval_source = serializers.ChoiceField(choices=["article", "product", "default"])
    reviewed_at = serializers.DateTimeField(allow_null=True, help_text="The last review; null: never reviewed.")
    reviewed_by = serializers.CharField(allow_null=True, help_text="null with a date: its file gave the date.")
    review_due = serializers.DateField(allow_null=True)
    needs_review = serializers.BooleanField(help_text="Validated and past its review date.")


class ReviewIn(RequestBody):
    interval_days = serializers.IntegerField(allow_null=True, min_value=1, max_value=3650,
                                             help_text="Days; null: its products' or the site's interval.")


class VerificationOut(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    review_due = serializers.DateField(help_text="The review date this review set.")


class VerificationList(serializers.Serializer):
    number = serializers.CharField()
    verifications = VerificationOut(many=True, help_text="Newest first.")


class VerificationIn(RequestBody):
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                    help_text="What was checked; at most 5,000 characters.")


@extend_schema(methods=["GET"], parameters=[number_parameter()],
               responses={200: ArticleOwner, **error_responses(EDITOR, NOT_FOUND)},
               description="Who owns the article (editors and publishers).")
@extend_schema(methods=["PUT"], parameters=[number_parameter()], request=OwnerIn,
               responses={200: ArticleOwner, **error_responses(EDITOR, JSON_BODY, FIELDS, OWNER_ERRORS, NOT_FOUND)},
               description="Give the article an owner, a user or a group, or none (publishers).")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def owner(request, number):
    if request.method == "GET":
        require_edit(request.user)
        health = care.health_of(get_article(number, request.user))
    else:
        data = _valid(OwnerIn, request)
        health = care.set_owner(request.user, number, owner_user=data.get("user"), owner_group=data.get("group"))
    return Response({"number": health.article.number, "owner": owner_body(health)})


def owner_body(health):
    if health.owner_user_id:
        return {"kind": "user", "name": health.owner_user.get_username()}
    if health.owner_group_id:
        return {"kind": "group", "name": health.owner_group.name}
    return None


@extend_schema(methods=["GET"], parameters=[number_parameter()],
               responses={200: ReviewState, **error_responses(EDITOR, NOT_FOUND)},
               description="The article's review state (editors and publishers).")
@extend_schema(methods=["PUT"], parameters=[number_parameter()], request=ReviewIn,
               responses={200: ReviewState, **error_responses(EDITOR, JSON_BODY, FIELDS, INTERVAL_ERRORS, NOT_FOUND)},
               description="The article's own review interval; its review date follows (its owner, publishers).")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def review(request, number):
    if request.method == "GET":
        require_edit(request.user)
        health = care.health_of(get_article(number, request.user))
    else:
        data = _valid(ReviewIn, request)
        health = care.set_review_interval(request.user, number, data["interval_days"])
    days, source = care.interval_for(health)
    return Response({
        "number": health.article.number, "owner": owner_body(health), "interval_days": health.review_interval_days,
        "effective_interval_days": days, "interval_source": source,
        "reviewed_at": health.reviewed_at.isoformat() if health.reviewed_at else None,
        "reviewed_by": health.reviewed_by.get_username() if health.reviewed_by else None,
        "review_due": health.review_due.isoformat() if health.review_due else None,
        "needs_review": reviews.needs_review(health)})


@extend_schema(methods=["GET"], parameters=[number_parameter()],
               responses={200: VerificationList, **error_responses(EDITOR, NOT_FOUND)},
               description="The article's reviews, newest first (editors and publishers).")
@extend_schema(methods=["POST"], parameters=[number_parameter()], request=VerificationIn,
               responses={201: VerificationOut, **error_responses(EDITOR, JSON_BODY, FIELDS, COMMENT_ERRORS,
                                                                 NOT_FOUND, ARCHIVED)},
               description="The article is still right: its review date moves to today plus its interval (its "
                           "owner, publishers). 409 invalid_transition when it is archived.")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def verifications(request, number):
    if request.method == "GET":
        require_edit(request.user)
        article = get_article(number, request.user)
        rows = article.verifications.select_related("by")[:100]
        return Response({"number": article.number, "verifications": [verification_body(v) for v in rows]})
    data = _valid(VerificationIn, request)
    made = care.verify(request.user, number, data.get("comment", ""))
    return Response(verification_body(made), status=status.HTTP_201_CREATED)


def verification_body(verification):
    return {"at": verification.at.isoformat(), "by": verification.by.get_username() if verification.by else None,
            "comment": verification.comment, "review_due": verification.review_due.isoformat()}


# -- flags and tasks ---------------------------------------------------------------------------
class FlagIn(RequestBody):
    reason = serializers.ChoiceField(choices=Flag.FLAGGED)
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                    help_text="At most 2,000 characters.")
    language = LanguageField(help_text="The translation the report is about.")


class FlagOut(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Flag.Reason.values)
    language = LanguageField()
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="The editor's name; null: a reader.")


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The article's number.")
    kind = serializers.ChoiceField(choices=Task.Kind.values, help_text="flags: readers' reports; review: its "
                                                                        "review date passed; low_rated: readers' "
                                                                        "votes meet the low-rating rule.")
    state = serializers.ChoiceField(choices=Task.State.values)
    owner = OwnerOut(allow_null=True, help_text="The article's owner; null: nobody.")
    opened_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    open_seconds = serializers.IntegerField(help_text="How long it has been (or was) open.")
    resolution = serializers.CharField(allow_blank=True, help_text="What was done, or why it was declined.")
    close_on_publish = serializers.BooleanField()
    closed_on_publish = serializers.BooleanField()
    flags = FlagOut(many=True)


class TaskList(serializers.Serializer):
    total = serializers.IntegerField(help_text="How many match; at most 200 are listed, longest open first.")
    tasks = TaskOut(many=True)


class TaskMoveIn(RequestBody):
    to = serializers.ChoiceField(choices=["in_progress", "done", "declined"], required=False, allow_null=True,
                                 help_text="Omitted or null: only close_on_publish changes.")
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                    help_text="What was done; required to decline.")
    close_on_publish = serializers.BooleanField(required=False, allow_null=True,
                                                help_text="Done when the article is next published.")


TASK_PATH = [OpenApiParameter("task_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, required=True)]
TASK_FILTERS = [
    OpenApiParameter("state", {"type": "string", "enum": ["active", *Task.State.values]}, required=False,
                     description="active (the default): open and in progress."),
    OpenApiParameter("kind", {"type": "string", "enum": Task.Kind.values}, required=False),
    OpenApiParameter("owner", PARAMETER_SCHEMA, required=False,
                     description="me (the caller or their groups), none, user:<name> or group:<name>."),
    OpenApiParameter("article", PARAMETER_SCHEMA, required=False, description="An article number."),
]


@extend_schema(parameters=[number_parameter()], request=FlagIn,
               responses={201: FlagOut, **error_responses(EDITOR, JSON_BODY, FIELDS, COMMENT_ERRORS, NOT_FOUND,
                                                          {400: ["invalid_choice", "unknown_language"]})},
               description="An editor reports a problem with the article: it joins the article's open task of "
                           "readers' reports, or opens one for its owner. Readers report from the article's page.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def flags(request, number):
    require_edit(request.user)
    data = _valid(FlagIn, request)
    article = get_article(number, request.user)
    translation = get_translation(article, clean_language(data["language"], "language"), request.user)
    made = tasks.flag(article, translation.language, data["reason"], data.get("comment", ""), user=request.user)
    return Response(flag_body(made), status=status.HTTP_201_CREATED)


@extend_schema(parameters=TASK_FILTERS, responses={200: TaskList, **error_responses(
    EDITOR, {400: ["invalid_parameter"]})}, operation_id="tasks_list",
    description="Requires attention: tasks, longest open first (editors and publishers).")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def task_list(request):
    require_edit(request.user)
    found = Task.objects.all()
    state = request.query_params.get("state") or "active"
    if state not in ("active", *Task.State.values):
        raise Invalid("state", _("Parameter '%(name)s' must be one of: %(values)s.")
                      % {"name": "state", "values": ", ".join(("active", *Task.State.values))},
                      code="invalid_parameter")
    found = found.filter(state__in=Task.ACTIVE) if state == "active" else found.filter(state=state)
    kind = request.query_params.get("kind")
    if kind:
        if kind not in Task.Kind.values:
            raise Invalid("kind", _("Parameter '%(name)s' must be one of: %(values)s.")
                          % {"name": "kind", "values": ", ".join(Task.Kind.values)}, code="invalid_parameter")
        found = found.filter(kind=kind)
    narrow = owners.owner_filter(request.query_params.get("owner", ""), request.user)
    if narrow is not None:
        found = narrow(found, "article__")
    if request.query_params.get("article"):
        found = found.filter(article__number__iexact=request.query_params["article"][:100])
    rows = list(found.select_related("article__health__owner_user", "article__health__owner_group")
                .prefetch_related("flags__user").order_by("opened_at", "id")[:200])
    return Response({"total": found.count(), "tasks": [task_body(t) for t in rows]})


@extend_schema(parameters=TASK_PATH, responses={200: TaskOut, **error_responses(EDITOR, NOT_FOUND)},
               operation_id="tasks_retrieve")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def task_detail(request, task_id):
    require_edit(request.user)
    return Response(task_body(_task(task_id)))


@extend_schema(parameters=TASK_PATH, request=TaskMoveIn, responses={200: TaskOut, **error_responses(
    EDITOR, JSON_BODY, FIELDS, COMMENT_ERRORS, {400: ["invalid_choice", "required"]}, NOT_FOUND,
    {409: ["invalid_transition"]})},
    description="open → in_progress; open or in_progress → done, or declined with a comment saying why (the "
                "article's owner, a member of its owning group, publishers). 409 when the task is closed.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def task_transitions(request, task_id):
    require_edit(request.user)
    data = _valid(TaskMoveIn, request)
    if task_id > MAX_ID:
        raise NotFound(_("No task %(id)s.") % {"id": task_id})
    moved = tasks.move(request.user, task_id, data.get("to"), data.get("comment", ""),
                       close_on_publish=data.get("close_on_publish"))
    return Response(task_body(_task(moved.pk)))


def _task(task_id):
    found = (Task.objects.select_related("article__health__owner_user", "article__health__owner_group")
             .prefetch_related("flags__user").filter(pk=task_id).first() if task_id <= MAX_ID else None)
    if found is None:
        raise NotFound(_("No task %(id)s.") % {"id": task_id})
    return found


def task_body(task):
    end = task.closed_at or timezone.now()
    health = getattr(task.article, "health", None)
    return {"id": task.pk, "number": task.article.number, "kind": task.kind, "state": task.state,
            "owner": owner_body(health) if health else None, "opened_at": task.opened_at.isoformat(),
            "started_at": task.started_at.isoformat() if task.started_at else None,
            "closed_at": task.closed_at.isoformat() if task.closed_at else None,
            "open_seconds": int((end - task.opened_at).total_seconds()), "resolution": task.resolution,
            "close_on_publish": task.close_on_publish, "closed_on_publish": task.closed_on_publish,
            "flags": [flag_body(f) for f in task.flags.all()]}


def flag_body(flag):
    return {"reason": flag.reason, "language": flag.language, "comment": flag.comment,
            "created_at": flag.created_at.isoformat(), "by": flag.user.get_username() if flag.user else None}


class ProductInterval(serializers.Serializer):
    product = serializers.CharField()
    days = serializers.IntegerField()


class ReviewSettingsOut(serializers.Serializer):
    default_interval_days = serializers.IntegerField(help_text="Days between reviews of an article without an "
                                                               "interval of its own or of its products'.")
    show_last_reviewed = serializers.BooleanField(help_text="Readers see \"last reviewed on\" on article pages.")
    products = ProductInterval(many=True, help_text="The products with an interval of their own.")


class ReviewSettingsIn(RequestBody):
    default_interval_days = serializers.IntegerField(required=False, min_value=1, max_value=3650)
    show_last_reviewed = serializers.BooleanField(required=False)
    products = serializers.DictField(child=serializers.IntegerField(allow_null=True, min_value=1, max_value=3650),
                                     required=False, help_text="Product name -> days; null: as the site says.")


@extend_schema(methods=["GET"], responses={200: ReviewSettingsOut, **error_responses(EDITOR)},
               description="The site's review intervals and whether readers see when an article was last "
                           "reviewed (editors and publishers).")
@extend_schema(methods=["PUT"], request=ReviewSettingsIn,
               responses={200: ReviewSettingsOut, **error_responses(
                   EDITOR, JSON_BODY, FIELDS, INTERVAL_ERRORS, {400: ["unknown_product"]})},
               description="Change them (publishers); every review date follows at once. Fields left out stay "
                           "as they are; an unknown product is a 400 naming it and changes nothing.")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def review_settings(request):
    require_edit(request.user)
    if request.method == "PUT":
        data = _valid(ReviewSettingsIn, request)
        care.set_review_settings(request.user, data.get("default_interval_days"), data.get("show_last_reviewed"),
                                 products=data.get("products"))
    current = HealthSettings.current()
    return Response({"default_interval_days": current.default_interval_days,
                     "show_last_reviewed": current.show_last_reviewed,
                     "products": [{"product": name, "days": days} for name, days in
                                  ReviewInterval.objects.order_by("product__name")
                                  .values_list("product__name", "days")]})
