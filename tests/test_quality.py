"""The Article Quality Index (issue 28): coaches score an article's current revision against a
weighted yes/no checklist; the AQI is the weighted yes over the weighted applicable answers;
kb's own checks pre-fill answers; editors read the AQI per article, author and team per month.
Arithmetic, each automatic check (a case that passes, one that fails), roles, the report's
grouping, the API's refusals, and every page in the seven languages."""
from datetime import date, datetime, timezone as dt_timezone

from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation
import pytest

from articles.editing import actions, quality as scoring
from articles.editing.errors import Forbidden, Invalid
from articles.editing.permissions import coach_group
from articles.models import Translation
from articles.quality import aqi, checklist, report
from articles.quality.checks import Subject, run_checks
from articles.quality.defaults import QUESTIONS
from articles.quality.models import Question, Score
from articles.search import sync
from tests.test_editing import client_for, user_with
from tests.test_translations import LANGUAGES, looked_up  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

KCS_BODY = """### Issue

The ledger export stops with XSV-350176 after ten minutes.

### Environment

Contoso Ledger 8.2, on premises.

### Cause

The export job's timeout is ten minutes.

### Resolution

1. Open **Settings > Export**.
2. Raise the timeout to 30 minutes.
"""


@pytest.fixture(autouse=True)
def search_index():
    sync.bring_up_to_date()


@pytest.fixture
def people():
    """ana and bob write (team ledger), cid writes (team billing), cora coaches, pia publishes,
    eve only edits."""
    ledger, billing = Group.objects.create(name="ledger"), Group.objects.create(name="billing")
    found = {name: user_with("editor", name) for name in ("ana", "bob", "cid", "eve")}
    found["ana"].groups.add(ledger)
    found["bob"].groups.add(ledger)
    found["cid"].groups.add(billing)
    found["cora"] = user_with(None, "cora")
    found["cora"].groups.add(coach_group())
    found["pia"] = user_with("publisher", "pia")
    return found


def new_article(author, title="Ledger export stops with XSV-350176", body=KCS_BODY, audience=None, publisher=None):
    number = actions.create_article(author, translation={"language": "en", "title": title, "body": body},
                                    audience=audience).number
    if publisher is not None:
        actions.transition(publisher, number, "validated")
    return number


def only_questions(*rows):
    """The checklist replaced by ``rows`` of (key, weight, automatic check)."""
    Question.objects.all().delete()
    return [Question.objects.create(key=key, text=key.replace("_", " "), weight=weight, position=n,
                                    automatic_check=check) for n, (key, weight, check) in enumerate(rows)]


def score(user, number, answers, **options):
    return scoring.score_article(user, number, "en", answers, **options)


# -- the arithmetic -----------------------------------------------------------------------------
@pytest.mark.parametrize("answers, expected", [
    ([("yes", 3), ("no", 1), ("na", 2)], (3, 4, 75.0)),
    ([("yes", 1), ("yes", 1), ("no", 1)], (2, 3, 66.7)),
    ([("no", 5)], (0, 5, 0.0)),
    ([("yes", 2), ("na", 9)], (2, 2, 100.0)),
    ([("na", 1), ("na", 3)], (0, 0, None)),
    ([], (0, 0, None)),
])
def test_the_aqi_is_the_weighted_yes_over_the_weighted_applicable_answers(answers, expected):
    assert aqi.weigh(answers) == expected


def test_a_score_keeps_each_answers_weight_and_its_aqi(people):
    number = new_article(people["ana"])
    only_questions(("issue", 3, ""), ("cause", 1, ""), ("links", 2, ""))
    made = score(people["cora"], number, {"issue": "yes", "cause": "no", "links": "na"}, comment="Name the role.")
    assert (made.yes_weight, made.applicable_weight, made.aqi) == (3, 4, 75.0)
    assert [(a.question.key, a.value, a.weight) for a in made.answers.all()] == [
        ("issue", "yes", 3), ("cause", "no", 1), ("links", "na", 2)]
    assert (made.revision, made.coach.username, made.comment, made.month) == (
        1, "cora", "Name the role.", made.scored_at.date().replace(day=1))


def test_a_weight_changed_later_moves_no_aqi_already_given(people):
    number = new_article(people["ana"])
    only_questions(("issue", 3, ""), ("cause", 1, ""))
    first = score(people["cora"], number, {"issue": "yes", "cause": "no"})
    scoring.change_question(people["pia"], "cause", {"weight": 3})
    second = score(people["cora"], number, {"issue": "yes", "cause": "no"})
    first.refresh_from_db()
    assert (first.aqi, second.aqi) == (75.0, 50.0)


def test_a_retired_question_is_asked_no_more_and_old_scores_keep_it(people):
    number = new_article(people["ana"])
    only_questions(("issue", 1, ""), ("cause", 1, ""))
    old = score(people["cora"], number, {"issue": "yes", "cause": "no"})
    scoring.set_question_active(people["pia"], "cause", False)
    new = score(people["cora"], number, {"issue": "yes"})
    assert [q.key for q in checklist.active_questions()] == ["issue"]
    assert (old.aqi, [a.question.key for a in old.answers.all()]) == (50.0, ["issue", "cause"])
    assert (new.aqi, [a.question.key for a in new.answers.all()]) == (100.0, ["issue"])
    with pytest.raises(Invalid) as refused:
        score(people["cora"], number, {"issue": "yes", "cause": "yes"})
    assert (refused.value.field, refused.value.code) == ("answers.cause", "retired_question")


def test_a_score_credits_every_author_of_the_revisions_scored(people):
    number = new_article(people["ana"])
    actions.save_translation(people["bob"], number, "en", {"title": "Ledger export stops", "body": KCS_BODY + "\nMore."},
                             base_revision=1)
    made = score(people["cora"], number, {"issue_in_customer_words": "yes", "one_issue": "yes",
                                          "clear_and_findable": "yes"})
    assert made.revision == 2
    assert sorted(made.authors.values_list("username", flat=True)) == ["ana", "bob"]


def test_the_shipped_checklist_is_installed_and_in_every_language():
    assert [q.key for q in checklist.active_questions()] == [key for key, *_ in QUESTIONS]
    for question in Question.objects.all():
        for lang in LANGUAGES:
            if lang != "en":
                assert question.text_in(lang) != question.msgid, (lang, question.key)


def test_a_publishers_question_is_shown_in_the_readers_language_else_its_one_text(people):
    made = scoring.add_question(people["pia"], {"texts": {"en": "Screenshots are cropped.", "fr-FR": "Captures rognées."},
                                                "weight": 2})
    single = scoring.add_question(people["pia"], {"text": "Steps are numbered."})
    assert (made.key, made.text_in("fr"), made.text_in("de"), single.text_in("ja")) == (
        "screenshots-are-cropped", "Captures rognées.", "Screenshots are cropped.", "Steps are numbered.")
    with pytest.raises(Invalid) as refused:
        scoring.add_question(people["pia"], {"text": "x", "weight": 11})
    assert (refused.value.field, refused.value.code) == ("weight", "out_of_range")
    with pytest.raises(Forbidden):
        scoring.add_question(people["cora"], {"text": "A coach adds a question."})


# -- the automatic checks -----------------------------------------------------------------------
def finding(check, **values):
    with translation.override("en"):
        return run_checks(Subject(**{"title": "Ledger export stops", "body": KCS_BODY, **values}))[check]


CHECK_CASES = [
    # check, what the subject holds, answer
    ("kcs_sections", {}, "yes"),
    ("kcs_sections", {"body": "### Symptoms\n\nIt stops.\n\n### Resolution\n\nRestart it.\n"}, "no"),
    ("environment", {}, "yes"),
    ("environment", {"body": "### Issue\n\nIt stops.\n"}, "no"),
    ("resolution", {}, "yes"),
    ("resolution", {"body": "### Issue\n\nIt stops.\n\n### Environment\n\nLedger 8.\n"}, "no"),
    ("cause", {}, "yes"),
    ("cause", {"body": "### Issue\n\nIt stops.\n\n### Resolution\n\nRestart it.\n"}, "no"),
    ("no_internal_data", {}, "yes"),
    ("no_internal_data", {"body": KCS_BODY + "\n**Internal only:** ask the on-call engineer.\n"}, "no"),
    ("no_internal_data", {"body": KCS_BODY + "\nSee https://wiki.corp.contoso.com/ledger/timeouts.\n"}, "no"),
    ("no_internal_data", {"body": KCS_BODY + "\nCustomer Fabrikam hit this on their tenant 4411.\n",
                          "internal_notes": "Customer Fabrikam hit this on their tenant 4411."}, "no"),
    ("no_internal_data", {"body": KCS_BODY + "\nInternal only: ask the on-call engineer.\n", "external": False}, "na"),
    ("links_resolve", {"body": KCS_BODY + "\nSee [the limits](/en/articles/KA-1/) and ![x](assets/x.png).\n",
                       "link_resolves": lambda href: True, "image_resolves": lambda src: True}, "yes"),
    ("links_resolve", {"body": KCS_BODY + "\nSee [the limits](https://example.com/limits).\n"}, "yes"),
    ("links_resolve", {"body": KCS_BODY + "\nSee [the limits](/en/articles/KA-404/).\n",
                       "link_resolves": lambda href: False}, "no"),
    ("links_resolve", {"body": KCS_BODY + "\n![shot](assets/missing.png)\n", "image_resolves": lambda src: False},
     "no"),
    ("links_resolve", {"body": KCS_BODY + "\n```\n[not a link](/en/articles/KA-404/)\n```\n",
                       "link_resolves": lambda href: False}, "yes"),
    ("title_not_only_code", {"title": "Export stops with XSV-350176 after ten minutes"}, "yes"),
    ("title_not_only_code", {"title": "XSV-350176"}, "no"),
    ("title_not_only_code", {"title": "Error XSV-350176"}, "no"),
    ("title_not_only_code", {"title": "KA-23014"}, "no"),
    ("title_not_only_code", {"title": "エラー XSV-350176"}, "no"),
    ("title_not_only_code", {"title": "XSV-350176 配信ログの書き込みに失敗する"}, "yes"),
]


@pytest.mark.parametrize("check, values, answer", CHECK_CASES,
                         ids=[f"{c}-{a}-{n}" for n, (c, _, a) in enumerate(CHECK_CASES)])
def test_each_automatic_check_passes_and_fails(check, values, answer):
    found = finding(check, **values)
    assert found.answer == answer, found.reason
    assert found.reason


def test_links_resolve_to_articles_readers_can_open_and_images_in_media(people, settings):
    shown = new_article(people["ana"], title="Ledger limits", publisher=people["pia"])
    hidden = new_article(people["ana"], title="Ledger on-call notes", audience="internal", publisher=people["pia"])
    (settings.MEDIA_ROOT / "articles").mkdir(parents=True)
    (settings.MEDIA_ROOT / "articles" / "shot.png").write_bytes(b"\x89PNG")
    body = KCS_BODY + f"\nSee [the limits](/en/articles/{shown}/) and ![shot](assets/shot.png).\n"
    number = new_article(people["ana"], body=body, publisher=people["pia"])
    Translation.objects.filter(article__number=number).update(
        assets={"assets/shot.png": "/media/articles/shot.png", "assets/gone.png": "/media/articles/gone.png"})
    assert suggested(people["cora"], number)["links_resolve"].answer == "yes"
    for broken in (f"[notes](/fr/articles/{hidden}/)", "[gone](/en/articles/NO-SUCH/)", "![gone](assets/gone.png)",
                   "![none](assets/never-copied.png)"):
        actions.save_translation(people["ana"], number, "en", {"title": "Ledger export stops", "body": body + broken},
                                 base_revision=Translation.objects.get(article__number=number).latest_revision)
        found = suggested(people["cora"], number)["links_resolve"]
        assert found.answer == "no", broken


def suggested(user, number):
    translation_row = Translation.objects.get(article__number=number)
    revision = translation_row.revisions.get(number=translation_row.latest_revision)
    questions = [Question(key=check, automatic_check=check) for check in Question.Check.values]
    return checklist.suggestions(translation_row, revision, user, questions)


def test_the_scoring_page_opens_with_the_automatic_answers_marked_and_a_coach_may_override_them(people):
    number = new_article(people["ana"], title="XSV-350176")
    page = browser(people["cora"]).get(f"/en/editor/articles/{number}/quality/").content.decode()
    assert page.count('class="tag tag-automatic"') == 7  # the shipped checklist's automatic questions
    assert 'name="answer-environment_given" value="yes" checked' in page
    assert 'name="answer-title_in_customer_words" value="no" checked' in page
    assert "The title is only a code: XSV-350176" in page
    assert 'name="answer-one_issue" value="yes" required>' in page  # none chosen: the coach answers
    answers = {f"answer-{key}": "yes" for key, *_ in QUESTIONS}
    response = browser(people["cora"]).post(f"/en/editor/articles/{number}/quality/",
                                            {**answers, "answer-cause_given": "na", "language": "en", "revision": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"/en/editor/articles/{number}/#quality")
    made = Score.objects.get()
    by_key = {a.question.key: a for a in made.answers.all()}
    assert (by_key["title_in_customer_words"].value, by_key["title_in_customer_words"].suggested) == ("yes", "no")
    assert not by_key["title_in_customer_words"].automatic and by_key["environment_given"].automatic
    assert (by_key["cause_given"].value, made.aqi) == ("na", 100.0)


def test_a_score_form_missing_an_answer_is_shown_again_naming_it(people):
    number = new_article(people["ana"])
    response = browser(people["cora"]).post(f"/en/editor/articles/{number}/quality/", {"language": "en"})
    assert response.status_code == 400
    assert "Answer this question" in response.content.decode() and not Score.objects.exists()


def browser(user):
    client = Client()
    client.force_login(user)
    return client


# -- roles --------------------------------------------------------------------------------------
def test_only_coaches_publishers_and_staff_score(people):
    number = new_article(people["ana"])
    body = {"language": "en", "answers": {"issue_in_customer_words": "yes", "one_issue": "yes",
                                          "clear_and_findable": "no"}}
    staff = user_with(None, "sam", is_staff=True)
    for name, user, expected in (("editor", people["eve"], 403), ("reader", user_with(None, "rea"), 403),
                                 ("coach", people["cora"], 201), ("publisher", people["pia"], 201),
                                 ("staff", staff, 201)):
        response = client_for(user).post(f"/api/articles/{number}/scores/", body, format="json")
        assert response.status_code == expected, (name, response.json())
    assert client_for().post(f"/api/articles/{number}/scores/", body, format="json").status_code == 401
    assert browser(people["eve"]).get(f"/en/editor/articles/{number}/quality/").status_code == 403
    assert browser(people["eve"]).post(f"/en/editor/articles/{number}/quality/", {"language": "en"}).status_code == 403
    assert Score.objects.count() == 3


def test_editors_read_scores_and_the_report_and_only_coaches_see_the_scoring_link(people):
    number = new_article(people["ana"])
    assert client_for(people["eve"]).get(f"/api/articles/{number}/scores/").status_code == 200
    assert client_for(people["eve"]).get("/api/quality/report/").status_code == 200
    assert client_for(user_with(None, "rea")).get("/api/quality/report/").status_code == 403
    link = f'href="/en/editor/articles/{number}/quality/"'
    assert link not in browser(people["eve"]).get(f"/en/editor/articles/{number}/").content.decode()
    assert link in browser(people["cora"]).get(f"/en/editor/articles/{number}/").content.decode()
    menu = browser(people["eve"]).get("/en/editor/").content.decode()
    assert 'href="/en/editor/quality/"' in menu
    bar = f'href="/en/editor/articles/{number}/quality/?language=en"'  # the editor bar of the reader's page
    assert bar in browser(people["cora"]).get(f"/en/articles/{number}/").content.decode()
    assert bar not in browser(people["eve"]).get(f"/en/articles/{number}/").content.decode()


# -- the report ---------------------------------------------------------------------------------
def scored_on(made, day):
    """Moves a score to ``day`` (its month follows)."""
    Score.objects.filter(pk=made.pk).update(scored_at=datetime(day.year, day.month, day.day, 12, tzinfo=dt_timezone.utc),
                                            month=day.replace(day=1))


def test_the_report_groups_per_article_author_team_and_month(people):
    only_questions(("issue", 1, ""), ("cause", 1, ""), ("links", 2, ""))
    a1, a2, a3 = (new_article(people[name], title=f"Ledger export stops {name}") for name in ("ana", "bob", "cid"))
    actions.save_translation(people["bob"], a1, "en", {"title": "Ledger export stops", "body": KCS_BODY + "\nMore."},
                             base_revision=1)  # a1 credits ana and bob, both of team ledger
    cora = people["cora"]
    everything, half, none = {"issue": "yes", "cause": "yes", "links": "yes"}, {"issue": "yes", "cause": "yes",
                                                                               "links": "no"}, {"issue": "no",
                                                                                                "cause": "no",
                                                                                                "links": "no"}
    scored_on(score(cora, a1, everything), date(2026, 10, 5))  # 100: ana, bob
    scored_on(score(cora, a1, half), date(2026, 11, 2))  # 50: ana, bob — a1's latest
    scored_on(score(cora, a2, none), date(2026, 11, 3))  # 0: bob
    scored_on(score(cora, a3, everything), date(2026, 11, 4))  # 100: cid
    scored_on(score(cora, a3, {"issue": "na", "cause": "na", "links": "na"}), date(2026, 9, 1))  # nothing applies

    november = report.build_report(date(2026, 11, 1))
    assert (november.articles, november.average) == (3, 50.0)
    assert [(s.article.number, s.aqi) for s in november.lowest] == [(a2, 0.0), (a1, 50.0), (a3, 100.0)]
    assert [(r["name"], r["scores"], r["aqi"]) for r in november.authors] == [
        ("bob", 2, 25.0), ("ana", 1, 50.0), ("cid", 1, 100.0)]
    assert [(r["name"], r["scores"], r["aqi"]) for r in november.teams] == [("ledger", 2, 25.0), ("billing", 1, 100.0)]

    every = report.build_report()
    assert [(s.article.number, s.aqi) for s in every.lowest] == [(a2, 0.0), (a1, 50.0), (a3, 100.0)]
    assert [(r["month"], r["name"], r["aqi"]) for r in every.teams] == [
        (date(2026, 11, 1), "ledger", 25.0), (date(2026, 11, 1), "billing", 100.0), (date(2026, 10, 1), "ledger", 100.0)]
    assert report.months() == [date(2026, 11, 1), date(2026, 10, 1), date(2026, 9, 1)]

    page = browser(people["eve"]).get("/en/editor/quality/?month=2026-11").content.decode()
    assert '<option value="2026-11" selected>November 2026</option>' in page and f">{a2}</a>" in page
    assert "Show more articles" not in page
    first = browser(people["eve"]).get("/en/editor/quality/?month=2026-11&limit=1").content.decode()
    assert f">{a2}</a>" in first and f">{a1}</a>" not in first and 'href="?month=2026-11&amp;limit=101"' in first
    api = client_for(people["eve"]).get("/api/quality/report/", {"month": "2026-10"}).json()
    assert (api["articles"], api["authors"], api["teams"]) == (1, [
        {"month": "2026-10", "name": "ana", "scores": 1, "aqi": 100.0},
        {"month": "2026-10", "name": "bob", "scores": 1, "aqi": 100.0}],
        [{"month": "2026-10", "name": "ledger", "scores": 1, "aqi": 100.0}])


# -- the API ------------------------------------------------------------------------------------
MANUAL = {"issue_in_customer_words": "yes", "one_issue": "yes", "clear_and_findable": "yes"}


@pytest.mark.parametrize("body, field, code", [
    ({"language": "en", "answers": ["yes"]}, "answers", "not_a_dict"),
    ({"language": "en", "answers": {**MANUAL, "nope": "yes"}}, "answers.nope", "unknown_question"),
    ({"language": "en", "answers": {**MANUAL, "one_issue": "maybe"}}, "answers.one_issue", "invalid_choice"),
    ({"language": "en", "answers": {"one_issue": "yes", "clear_and_findable": "yes"}},
     "answers.issue_in_customer_words", "required"),
    ({"language": "xx", "answers": MANUAL}, "language", "unknown_language"),
    ({"answers": MANUAL}, "language", "required"),
    ({"language": "en", "answers": MANUAL, "comment": "x" * 5001}, "comment", "too_long"),
    ({"language": "en", "answers": MANUAL, "revision": "two"}, "revision", "invalid"),
])
def test_a_refused_score_is_a_400_naming_the_field(people, body, field, code):
    number = new_article(people["ana"])
    response = client_for(people["cora"]).post(f"/api/articles/{number}/scores/", body, format="json")
    assert response.status_code == 400
    assert (response.json()["error"]["field"], response.json()["error"]["code"]) == (field, code)
    assert not Score.objects.exists()


def test_a_retired_question_answered_through_the_api_is_refused(people):
    number = new_article(people["ana"])
    scoring.set_question_active(people["pia"], "one_issue", False)
    response = client_for(people["cora"]).post(f"/api/articles/{number}/scores/",
                                               {"language": "en", "answers": MANUAL}, format="json")
    assert response.status_code == 400 and response.json()["error"] == {
        "code": "retired_question", "field": "answers.one_issue",
        "message": "Question one_issue is retired: it is no longer answered."}


def test_a_score_of_a_revision_saved_over_since_is_a_409_and_archived_articles_are_not_scored(people):
    number = new_article(people["ana"], publisher=people["pia"])
    actions.save_translation(people["ana"], number, "en", {"title": "Ledger export stops", "body": KCS_BODY + "\n."},
                             base_revision=1)
    coach = client_for(people["cora"])
    moved = coach.post(f"/api/articles/{number}/scores/", {"language": "en", "answers": MANUAL, "revision": 1},
                       format="json")
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "revision_moved"
    made = coach.post(f"/api/articles/{number}/scores/", {"language": "en", "answers": MANUAL, "revision": 2},
                      format="json")
    assert made.status_code == 201 and (made.json()["revision"], made.json()["aqi"]) == (2, 100.0)
    actions.transition(people["pia"], number, "archived")
    archived = coach.post(f"/api/articles/{number}/scores/", {"language": "en", "answers": MANUAL}, format="json")
    assert archived.status_code == 409 and archived.json()["error"]["code"] == "invalid_transition"
    missing = coach.post("/api/articles/NO-SUCH/scores/", {"language": "en", "answers": MANUAL}, format="json")
    assert missing.status_code == 404


def test_the_checklist_api_gives_the_questions_in_a_language_and_an_articles_automatic_answers(people):
    number = new_article(people["ana"], title="XSV-350176")
    editor = client_for(people["eve"])
    body = editor.get("/api/quality/checklist/", {"lang": "fr"}).json()
    assert body["language"] == "fr" and [q["key"] for q in body["questions"]] == [k for k, *_ in QUESTIONS]
    assert body["questions"][0]["text"] == Question.objects.get(key="issue_in_customer_words").text_in("fr")
    checked = editor.get("/api/quality/checklist/", {"article": number}).json()
    automatic = {q["key"]: q["automatic"] for q in checked["questions"]}
    assert checked["revision"] == 1 and automatic["issue_in_customer_words"] is None
    assert (automatic["title_in_customer_words"]["answer"], automatic["environment_given"]["answer"]) == ("no", "yes")
    refused = editor.get("/api/quality/checklist/", {"lang": "xx"})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "lang"


def test_the_scores_api_lists_newest_first_with_answers_and_authors(people):
    number = new_article(people["ana"])
    coach = client_for(people["cora"])
    coach.post(f"/api/articles/{number}/scores/", {"language": "en", "answers": MANUAL}, format="json")
    coach.post(f"/api/articles/{number}/scores/", {"language": "en", "answers": {**MANUAL, "one_issue": "no"},
                                                   "comment": "Two issues in one."}, format="json")
    listed = client_for(people["eve"]).get(f"/api/articles/{number}/scores/").json()["scores"]
    assert [s["comment"] for s in listed] == ["Two issues in one.", ""]
    assert listed[0]["authors"] == ["ana"] and listed[0]["coach"] == "cora"
    assert {a["key"]: (a["value"], a["automatic"]) for a in listed[0]["answers"]}["one_issue"] == ("no", False)


@pytest.mark.parametrize("query, field", [({"month": "2026-13"}, "month"), ({"month": "last"}, "month"),
                                          ({"limit": "0"}, "limit"), ({"limit": "5000"}, "limit")])
def test_a_refused_report_parameter_is_a_400_naming_it(people, query, field):
    response = client_for(people["eve"]).get("/api/quality/report/", query)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field and response.json()["error"]["code"] == "invalid_parameter"
    page = browser(people["eve"]).get("/en/editor/quality/", query)
    assert page.status_code == 400 and "messages" in page.content.decode()


# -- languages ----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_quality_pages_are_in_the_readers_language(people, looked_up, lang):  # noqa: F811
    number = new_article(people["ana"], title="XSV-350176",
                         body=KCS_BODY + "\n![gone](assets/gone.png) [x](/en/articles/NO-SUCH/)\n"
                                         "Internal only: see https://wiki.corp.contoso.com/x\n")
    client = browser(people["cora"])
    assert client.get(f"/{lang}/editor/articles/{number}/quality/").status_code == 200
    assert client.post(f"/{lang}/editor/articles/{number}/quality/", {"language": "en"}).status_code == 400
    client.post(f"/{lang}/editor/articles/{number}/quality/", {
        **{f"answer-{key}": "no" for key, *_ in QUESTIONS}, "language": "en"})
    for path in (f"/{lang}/editor/articles/{number}/", f"/{lang}/editor/quality/", f"/{lang}/editor/quality/?month=x",
                 f"/{lang}/articles/{number}/"):
        assert client.get(path).status_code in (200, 400), path
    with translation.override(lang):
        client_for(people["cora"]).get("/api/quality/checklist/", {"article": number, "lang": lang})
    assert looked_up == []


def test_publishers_keep_the_checklist_in_the_admin_through_the_service(people):
    admin = browser(user_with("publisher", "adm", is_staff=True, is_superuser=True))
    environment = Question.objects.get(key="environment_given")
    changed = admin.post(f"/admin/quality/question/{environment.pk}/change/", {
        "text": "", "texts": "{}", "weight": "5", "position": str(environment.position),
        "automatic_check": "environment", "active": "on"})
    assert changed.status_code == 302 and Question.objects.get(pk=environment.pk).weight == 5
    added = admin.post("/admin/quality/question/add/", {
        "key": "", "text": "Screenshots are cropped to what matters.", "texts": '{"fr": "Captures rognées."}',
        "weight": "2", "position": "500", "automatic_check": "", "active": "on"})
    assert added.status_code == 302
    made = Question.objects.get(key="screenshots-are-cropped-to-what-matters")
    assert (made.weight, made.texts, made.text_in("fr")) == (2, {"fr": "Captures rognées."}, "Captures rognées.")
    refused = admin.post("/admin/quality/question/add/", {
        "key": "", "text": "Too heavy.", "texts": "{}", "weight": "11", "position": "0", "automatic_check": ""})
    assert refused.status_code == 200 and not Question.objects.filter(text="Too heavy.").exists()
    admin.post("/admin/quality/question/", {"action": "retire", "_selected_action": [made.pk, environment.pk]})
    assert not Question.objects.filter(pk__in=[made.pk, environment.pk], active=True).exists()
    score(people["cora"], new_article(people["ana"]), MANUAL)
    answered = Question.objects.get(key="one_issue")
    assert admin.get(f"/admin/quality/question/{answered.pk}/delete/").status_code == 403  # answered: retire it
    assert admin.get(f"/admin/quality/question/{made.pk}/delete/").status_code == 200
