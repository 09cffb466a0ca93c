"""The JSON API of ``articles.quality``: thin views over the checklist, the editing service
(``editing.quality``) and the report, with the API's one error shape and typed schemas.

    GET  /api/quality/checklist/?lang=&article=&language=   the active questions (editors); with an
                                                            article, each automatic check's answer
    GET  /api/articles/<number>/scores/                     its scores, newest first (editors)
    POST /api/articles/<number>/scores/   {"language", "answers": {key: "yes"|"no"|"na"}, "revision"?,
                                           "comment"?} -> 201 (coaches, publishers, staff)
    GET  /api/quality/report/?month=YYYY-MM&limit=          the editors' report
"""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..api.articles import _valid
from ..api.schema import (EDITOR, FIELDS, JSON_BODY, PARAMETER_SCHEMA, EnumField, LanguageField, RequestBody,
                          error_responses, language_parameter, number_parameter)
from ..editing import quality as scoring
from ..editing.content import clean_language
from ..editing.errors import Invalid, NotFound
from ..editing.permissions import require_edit
from ..editing.queries import get_article
from ..models import Revision, Translation
from . import report
from .checklist import active_questions, suggestions
from .models import Answer, Question, Score
from .views import MAX_LISTED, parse_limit, parse_month

NOT_FOUND = {404: ["not_found"]}
ANSWER_CODES = ["not_a_dict", "unknown_question", "retired_question", "invalid_choice", "required"]
SCORE_ERRORS = {400: ["unknown_language", *ANSWER_CODES, "invalid_type", "too_long", "invalid_characters"],
                409: ["revision_moved", "invalid_transition"]}
ANSWER_SCHEMA = {"type": "string", "enum": list(Answer.Value.values)}
SCORES_LISTED = 100
MAX_LIMIT = MAX_LISTED


class AnswerValueField(EnumField):
    COMPONENT, SCHEMA = "AnswerValueEnum", {**ANSWER_SCHEMA, "description": "yes, no, or na: not applicable."}


class AutomaticAnswer(serializers.Serializer):
    answer = AnswerValueField()
    reason = serializers.CharField(help_text="Why, in the request's language.")


class QuestionOut(serializers.Serializer):
    key = serializers.CharField(help_text="How answers name the question.")
    text = serializers.CharField(help_text="In the language asked for.")
    weight = serializers.IntegerField(min_value=1, max_value=10)
    position = serializers.IntegerField()
    automatic_check = serializers.ChoiceField(choices=Question.Check.values, allow_null=True,
                                              help_text="What kb checks itself to pre-fill the answer; null: none.")
    automatic = AutomaticAnswer(required=False, allow_null=True,
                           help_text="With ?article=: the automatic check's answer for its current revision.")


class Checklist(serializers.Serializer):
    language = LanguageField(help_text="The language of the texts.")
    revision = serializers.IntegerField(required=False, help_text="With ?article=: the revision checked.")
    questions = QuestionOut(many=True, help_text="The active questions, in the order asked.")


class AnswerOut(serializers.Serializer):
    key = serializers.CharField()
    value = AnswerValueField()
    weight = serializers.IntegerField(help_text="The question's weight when it was answered.")
    automatic = serializers.BooleanField(help_text="The automatic check's answer, kept by the coach.")


class ScoreOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The article's number.")
    language = LanguageField()
    revision = serializers.IntegerField(help_text="The translation's revision scored.")
    coach = serializers.CharField(allow_null=True)
    scored_at = serializers.DateTimeField()
    aqi = serializers.FloatField(allow_null=True, help_text="100 × weighted yes / weighted applicable; null: "
                                                            "nothing applied.")
    yes_weight = serializers.IntegerField()
    applicable_weight = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    authors = serializers.ListField(child=serializers.CharField(), help_text="Who wrote its revisions up to the "
                                                                             "one scored.")
    answers = AnswerOut(many=True)


class ScoreList(serializers.Serializer):
    number = serializers.CharField()
    scores = ScoreOut(many=True, help_text="Newest first, at most 100.")


@extend_schema_field({"type": "object", "additionalProperties": ANSWER_SCHEMA,
                      "description": '{question key: "yes" | "no" | "na"}; a question left out takes its automatic '
                                     "check's answer, else is required."})
class AnswersField(serializers.JSONField):
    """Any JSON at run time: the service names a refused answer (``answers.<key>``)."""


class ScoreIn(RequestBody):
    language = LanguageField(help_text="The translation scored (its current revision).")
    answers = AnswersField(required=False)
    revision = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="The revision the coach read; 409 revision_moved when the "
                                                  "translation was saved since.")
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                    help_text="For the authors; at most 5,000 characters.")


class GroupRow(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    name = serializers.CharField(help_text="The author's user name, or the team's group name.")
    scores = serializers.IntegerField()
    aqi = serializers.FloatField()


class ArticleRow(serializers.Serializer):
    number = serializers.CharField()
    language = LanguageField()
    revision = serializers.IntegerField()
    aqi = serializers.FloatField()
    scored_at = serializers.DateTimeField()
    coach = serializers.CharField(allow_null=True)


class ReportOut(serializers.Serializer):
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM; null: every month (the groups cover the "
                                                             "12 latest months with scores).")
    months = serializers.ListField(child=serializers.CharField(), help_text="The months with scores, newest first.")
    articles = serializers.IntegerField(help_text="Articles with a score.")
    average = serializers.FloatField(allow_null=True, help_text="Mean AQI of their latest scores.")
    lowest = ArticleRow(many=True, help_text="Each article's latest score, lowest AQI first.")
    authors = GroupRow(many=True, help_text="Per month and author, newest month first.")
    teams = GroupRow(many=True, help_text="Per month and team (groups other than the roles').")


@extend_schema(parameters=[language_parameter(description="The language of the texts (default: en)."),
                           OpenApiParameter("article", PARAMETER_SCHEMA, required=False,
                                            description="An article number: add each automatic check's answer."),
                           language_parameter("language", description="With article: the translation checked "
                                                                      "(default: its source language).")],
               responses={200: Checklist, **error_responses(EDITOR, NOT_FOUND,
                                                            {400: ["unknown_language"]})},
               description="The checklist coaches score against: its active questions in order (editors).")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def checklist(request):
    require_edit(request.user)
    language = clean_language(request.query_params.get("lang") or "en", "lang")
    questions = active_questions()
    body = {"language": language, "questions": [question_body(q, language) for q in questions]}
    if request.query_params.get("article"):
        article = get_article(request.query_params["article"][:100], request.user)
        code = clean_language(request.query_params.get("language") or article.source_language, "language")
        translation = Translation.objects.filter(article=article, language=code).first()
        if translation is None:
            raise NotFound(_("No %(language)s translation of %(number)s.") % {"language": code,
                                                                             "number": article.number})
        revision = Revision.objects.get(translation=translation, number=translation.latest_revision)
        found = suggestions(translation, revision, request.user, questions)
        body["revision"] = revision.number
        for row in body["questions"]:
            finding = found.get(row["key"])
            row["automatic"] = {"answer": finding.answer, "reason": finding.reason} if finding else None
    return Response(body)


def question_body(question, language):
    return {"key": question.key, "text": question.text_in(language), "weight": question.weight,
            "position": question.position, "automatic_check": question.automatic_check or None}


@extend_schema(methods=["GET"], parameters=[number_parameter()],
               responses={200: ScoreList, **error_responses(EDITOR, NOT_FOUND)},
               description="The article's scores, newest first (editors and publishers).")
@extend_schema(methods=["POST"], parameters=[number_parameter()], request=ScoreIn,
               responses={201: ScoreOut, **error_responses(EDITOR, JSON_BODY, FIELDS, SCORE_ERRORS, NOT_FOUND)},
               description="Score the current revision of one of the article's translations against the checklist "
                           "(coaches, publishers, staff). A refused answer is a 400 naming answers.<key>; 409 "
                           "revision_moved when the translation was saved since the given revision, "
                           "invalid_transition when the article is archived.")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def scores(request, number):
    if request.method == "GET":
        require_edit(request.user)
        article = get_article(number, request.user)
        rows = _with_details(Score.objects.filter(article=article).order_by("-id")[:SCORES_LISTED])
        return Response({"number": article.number, "scores": [score_body(s) for s in rows]})
    data = _valid(ScoreIn, request)
    made = scoring.score_article(request.user, number, data["language"], data.get("answers"),
                                 data.get("comment", ""), revision=data.get("revision"))
    return Response(score_body(_with_details(Score.objects.filter(pk=made.pk))[0]), status=status.HTTP_201_CREATED)


def _with_details(scores):
    return list(scores.select_related("article", "coach").prefetch_related("answers__question", "authors"))


def score_body(score):
    return {"id": score.pk, "number": score.article.number, "language": score.language, "revision": score.revision,
            "coach": score.coach.get_username() if score.coach else None, "scored_at": score.scored_at.isoformat(),
            "aqi": score.aqi, "yes_weight": score.yes_weight, "applicable_weight": score.applicable_weight,
            "comment": score.comment, "authors": sorted(a.get_username() for a in score.authors.all()),
            "answers": [{"key": a.question.key, "value": a.value, "weight": a.weight, "automatic": a.automatic}
                        for a in score.answers.all()]}


@extend_schema(parameters=[OpenApiParameter("month", {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                                            required=False, description="YYYY-MM; omitted: every month."),
                           OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                                      "default": report.LOWEST}, required=False,
                                            description="How many of the lowest-scored articles.")],
               responses={200: ReportOut, **error_responses(EDITOR, {400: ["invalid_parameter"]})},
               description="The AQI report: per article (its latest score), per author and team per month, and the "
                           "articles scored lowest (editors and publishers).")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def quality_report(request):
    require_edit(request.user)
    given = request.query_params.get("month") or ""
    month = parse_month(given) if given else None
    if given and month is None:
        raise Invalid("month", _("The month is written YYYY-MM, as 2026-03."), code="invalid_parameter")
    limit = parse_limit(request.query_params.get("limit") or str(report.LOWEST), MAX_LIMIT)
    if limit is None:
        raise Invalid("limit", _("Parameter '%(name)s' is a whole number from 1 to %(max)d.")
                      % {"name": "limit", "max": MAX_LIMIT}, code="invalid_parameter")
    found = report.build_report(month, limit)
    return Response({
        "month": given or None, "months": [m.strftime("%Y-%m") for m in report.months()],
        "articles": found.articles, "average": found.average,
        "lowest": [{"number": s.article.number, "language": s.language, "revision": s.revision, "aqi": s.aqi,
                    "scored_at": s.scored_at.isoformat(), "coach": s.coach.get_username() if s.coach else None}
                   for s in found.lowest],
        "authors": [_group_row(r) for r in found.authors], "teams": [_group_row(r) for r in found.teams]})


def _group_row(row):
    return {**row, "month": row["month"].strftime("%Y-%m")}

