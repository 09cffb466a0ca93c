"""Flags become tasks (issue 28): readers report an article from its page (incorrect, out of
date, a step is missing, other, with a comment; counted per address with the votes), editors
from the page and the API; a report, or a not-helpful vote with a comment, joins the article's
open task for its owner, or opens one. The owner (or a publisher) starts it, marks it done or
declines it with a reason, optionally done at once when the article is next published; the
editors' "Requires attention" page lists what is open, for how long."""
from datetime import timedelta

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
import pytest

from articles.analytics import feedback
from articles.editing import actions, health
from articles.health import tasks
from articles.health.models import Flag, Task
from articles.search import sync
from tests.test_editing import BODY, client_for, user_with

pytestmark = pytest.mark.django_db
SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture(autouse=True)
def search_index():
    sync.bring_up_to_date()


@pytest.fixture
def article():
    """A published article owned by the editor ana; pia publishes."""
    pia, ana = user_with("publisher", "pia"), user_with("editor", "ana")
    number = actions.create_article(ana, translation={"language": "en", "title": "Ledger export stops",
                                                      "body": BODY}).number
    actions.transition(pia, number, "validated")
    return number


def browser_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def report(client, number, reason="outdated", comment="Version 8 moved the menu.", lang="en", **headers):
    return client.post(f"/{lang}/articles/{number}/flag", {"reason": reason, "comment": comment, "language": "en"},
                       **{**SAME_SITE, **headers})


def user(name):
    from django.contrib.auth.models import User

    return User.objects.get(username=name)


def test_a_reader_reports_an_article_and_its_owner_has_a_task(article):
    reader = Client()
    page = reader.get(f"/en/articles/{article}/").content.decode()
    assert 'action="/en/articles/' + article + '/flag"' in page and "csrfmiddlewaretoken" not in page
    response = report(reader, article)
    assert response.status_code == 302 and response["Location"] == f"/en/articles/{article}/?flag=thanks#flag"
    assert "owner will look at your report" in reader.get(response["Location"]).content.decode()
    task = Task.objects.get()
    assert (task.article.number, task.kind, task.state) == (article, "flags", "open")
    assert [(f.reason, f.comment, f.language, f.user) for f in task.flags.all()] == [
        ("outdated", "Version 8 moved the menu.", "en", None)]
    attention = browser_for(user("ana")).get("/en/editor/attention/").content.decode()
    assert f">{article}</a>" in attention and "open for" in attention and "outdated" in attention


def test_a_readers_second_report_replaces_the_first_and_others_join_the_same_task(article):
    reader = Client()
    report(reader, article, "outdated", "first")
    report(reader, article, "missing_step", "Step 3 needs the admin role.")
    report(Client(), article, "incorrect", "The port is 8443.")
    task = Task.objects.get()
    assert sorted((f.reason, f.comment) for f in task.flags.all()) == [
        ("incorrect", "The port is 8443."), ("missing_step", "Step 3 needs the admin role.")]


@pytest.mark.parametrize("reason, headers, status", [
    ("outdated", {"HTTP_SEC_FETCH_SITE": "cross-site"}, 403),
    ("not_helpful", {}, 400),  # what a vote says, not a flag
    ("spam", {}, 400),
])
def test_a_report_from_another_site_or_with_no_reason_is_refused(article, reason, headers, status):
    assert report(Client(), article, reason, **headers).status_code == status
    assert not Task.objects.exists()


def test_a_report_on_an_article_readers_cannot_see_is_a_404():
    ana = user_with("editor", "ana")
    number = actions.create_article(ana, translation={"language": "en", "title": "Draft", "body": BODY}).number
    assert report(Client(), number).status_code == 404
    assert report(Client(), "NO-SUCH").status_code == 404


def test_reports_are_counted_with_votes_per_address_and_editors_are_not(article):
    for n in range(feedback.VOTES_PER_MINUTE):
        assert feedback.allow_vote("203.0.113.9")
    refused = report(Client(), article, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert report(Client(), article, REMOTE_ADDR="203.0.113.10").status_code == 302
    assert report(browser_for(user("ana")), article, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert [f.user.username if f.user else "reader" for f in Flag.objects.order_by("id")] == ["reader", "ana"]


def test_a_not_helpful_vote_with_a_comment_is_a_report_and_other_votes_are_not(article):
    vote = {"language": "en", **SAME_SITE}
    Client().post(f"/en/articles/{article}/feedback", {"helpful": "yes", "comment": "Great."}, **vote)
    Client().post(f"/en/articles/{article}/feedback", {"helpful": "no", "comment": ""}, **vote)
    assert not Task.objects.exists()
    reader = Client()
    reader.post(f"/en/articles/{article}/feedback", {"helpful": "no", "comment": "Did not fix XSV-350176."}, **vote)
    reader.post(f"/en/articles/{article}/feedback", {"helpful": "no", "comment": "Still fails after a restart."},
                **vote)
    flag = Flag.objects.get()
    assert (flag.reason, flag.comment, flag.task.kind) == ("not_helpful", "Still fails after a restart.", "flags")
    assert flag.feedback.comment == "Still fails after a restart."


def _votes(article, *answers):
    for n, helpful in enumerate(answers):
        Client().post(f"/en/articles/{article}/feedback", {"helpful": helpful, "comment": ""}, language="en",
                      REMOTE_ADDR=f"198.51.100.{n + 1}", **SAME_SITE)


def test_votes_meeting_the_low_rating_rule_open_one_task_for_the_owner(article):
    assert feedback.LOW_RATED_MIN_VOTES == 3 and feedback.LOW_RATED_BELOW == 0.5
    _votes(article, "no", "no")  # too few votes to judge
    assert not Task.objects.exists()
    _votes(article, "no", "no", "yes", "no")  # a fresh reader each vote: 1 helpful of 6
    task = Task.objects.get()
    assert (task.kind, task.state) == ("low_rated", "open")
    _votes(article, "no", "no", "no", "no", "no")
    assert Task.objects.count() == 1  # later votes join the open task
    page = browser_for(user("ana")).get(f"/en/editor/tasks/{task.pk}/").content.decode()
    assert "Rated unhelpful by readers" in page and "1 of 11 readers" in page
    attention = browser_for(user("ana")).get("/en/editor/attention/?kind=low_rated").content.decode()
    assert f"/en/editor/tasks/{task.pk}/" in attention


def test_the_owner_is_told_when_readers_votes_open_a_task(article, django_capture_on_commit_callbacks):
    from articles.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        _votes(article, "no", "no", "no")
    task = Task.objects.get(kind="low_rated")
    told = Notification.objects.get(task=task)
    assert (told.recipient.username, told.kind, told.detail) == ("ana", "task_assigned", "low_rated")


def test_a_closed_low_rating_task_comes_back_only_with_new_votes(article):
    _votes(article, "no", "no", "no")
    task = Task.objects.get(kind="low_rated")
    tasks.move(user("ana"), task.pk, "done", "Rewrote the resolution.")
    _votes(article, "yes", "yes")  # new votes, helpful: no task
    assert not Task.objects.filter(state__in=Task.ACTIVE).exists()
    _votes(article, "no", "no", "no")
    assert Task.objects.filter(kind="low_rated", state="open").count() == 1


def test_mostly_helpful_votes_open_no_task(article):
    _votes(article, "yes", "no", "yes", "yes")
    assert not Task.objects.exists()


def test_editors_report_through_the_api_and_readers_may_not(article):
    ana = client_for(user("ana"))
    made = ana.post(f"/api/articles/{article}/flags/", {"reason": "incorrect", "comment": "Wrong port.",
                                                        "language": "en"}, format="json")
    assert made.status_code == 201 and made.json()["by"] == "ana" and made.json()["reason"] == "incorrect"
    assert client_for(user_with(None, "rita")).post(f"/api/articles/{article}/flags/", {
        "reason": "incorrect", "language": "en"}, format="json").status_code == 403
    assert client_for().post(f"/api/articles/{article}/flags/", {"reason": "incorrect", "language": "en"},
                             format="json").status_code == 401
    missing = ana.post(f"/api/articles/{article}/flags/", {"reason": "incorrect", "language": "fr"}, format="json")
    assert missing.status_code == 404
    assert Flag.objects.count() == 1


def test_the_owner_starts_and_finishes_the_task_with_what_was_done(article):
    report(Client(), article)
    task = Task.objects.get()
    page = browser_for(user("ana"))
    html = page.get(f"/en/editor/tasks/{task.pk}/").content.decode()
    assert "Version 8 moved the menu." in html and "Start working on it" in html
    page.post(f"/en/editor/tasks/{task.pk}/move/", {"to": "in_progress"})
    task.refresh_from_db()
    assert (task.state, task.started_by.username) == ("in_progress", "ana")
    response = page.post(f"/en/editor/tasks/{task.pk}/move/", {"to": "done", "comment": "Menu path updated."},
                         follow=True)
    task.refresh_from_db()
    assert (task.state, task.closed_by.username, task.resolution) == ("done", "ana", "Menu path updated.")
    assert "Task updated." in response.content.decode() and "Menu path updated." in response.content.decode()
    assert f">{article}</a>" not in page.get("/en/editor/attention/").content.decode()
    again = client_for(user("ana")).post(f"/api/tasks/{task.pk}/transitions/", {"to": "declined", "comment": "x"},
                                         format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"


def test_declining_needs_a_reason(article):
    report(Client(), article)
    task = Task.objects.get()
    api = client_for(user("ana"))
    refused = api.post(f"/api/tasks/{task.pk}/transitions/", {"to": "declined"}, format="json")
    assert refused.status_code == 400 and refused.json()["error"] == {
        "code": "required", "message": "Say why the task is declined.", "field": "comment"}
    declined = api.post(f"/api/tasks/{task.pk}/transitions/", {"to": "declined", "comment": "Works as written."},
                        format="json").json()
    assert (declined["state"], declined["resolution"]) == ("declined", "Works as written.")


def test_only_the_owner_its_group_or_a_publisher_moves_a_task(article):
    report(Client(), article)
    task = Task.objects.get()
    ben = user_with("editor", "ben")
    assert browser_for(ben).post(f"/en/editor/tasks/{task.pk}/move/", {"to": "in_progress"}).status_code == 403
    assert "Start working on it" not in browser_for(ben).get(f"/en/editor/tasks/{task.pk}/").content.decode()
    health.set_owner(user("pia"), article, owner_group=Group.objects.create(name="ledger-team").name)
    ben.groups.add(Group.objects.get(name="ledger-team"))
    assert client_for(ben).post(f"/api/tasks/{task.pk}/transitions/", {"to": "in_progress"},
                                format="json").status_code == 200
    assert client_for(user("pia")).post(f"/api/tasks/{task.pk}/transitions/", {"to": "done"},
                                        format="json").status_code == 200


def test_a_task_the_owner_asked_for_is_done_when_the_article_is_published_again(article):
    report(Client(), article)
    kept = Task.objects.get()
    asked = tasks.open_review_task(Task.objects.get().article_id)
    tasks.move(user("ana"), asked.pk, "in_progress", close_on_publish=True)
    actions.save_translation(user("ana"), article, "en", {"title": "Ledger export stops", "body": BODY + "\nMore."},
                             base_revision=1)
    actions.transition(user("pia"), article, "validated")
    asked.refresh_from_db(), kept.refresh_from_db()
    assert (asked.state, asked.closed_on_publish, asked.closed_by.username) == ("done", True, "pia")
    assert kept.state == "open"
    html = browser_for(user("ana")).get(f"/en/editor/tasks/{asked.pk}/").content.decode()
    assert "done when the article was published" in html


def test_the_close_on_publish_choice_is_made_on_the_tasks_page(article):
    report(Client(), article)
    task = Task.objects.get()
    page = browser_for(user("ana"))
    page.post(f"/en/editor/tasks/{task.pk}/move/", {"to": "in_progress", "set_close_on_publish": "1",
                                                    "close_on_publish": "on"})
    task.refresh_from_db()
    assert task.close_on_publish and task.state == "in_progress"
    page.post(f"/en/editor/tasks/{task.pk}/move/", {"to": "", "set_close_on_publish": "1"})
    task.refresh_from_db()
    assert not task.close_on_publish and task.state == "in_progress"


def test_requires_attention_lists_open_tasks_longest_open_first_with_filters(article):
    pia = user("pia")
    other = actions.create_article(pia, translation={"language": "en", "title": "Vault sync fails", "body": BODY}).number
    actions.transition(pia, other, "validated")
    report(Client(), article)
    report(Client(), other)
    Task.objects.filter(article__number=other).update(opened_at=timezone.now() - timedelta(days=3))
    page = browser_for(user("ana"))
    html = page.get("/en/editor/").content.decode()
    assert 'href="/en/editor/attention/"' in html.split('class="editor-nav"')[1].split("</nav>")[0]
    html = page.get("/en/editor/attention/").content.decode()
    assert html.index(f">{other}</a>") < html.index(f">{article}</a>") and "open for 3 days" in html
    mine = page.get("/en/editor/attention/", {"owner": "me"}).content.decode()
    assert f">{article}</a>" in mine and f">{other}</a>" not in mine
    assert f">{article}</a>" not in page.get("/en/editor/attention/", {"kind": "review"}).content.decode()
    bar = page.get(f"/en/articles/{article}/").content.decode().split('class="editor-bar"')[1].split("</aside>")[0]
    assert "Open tasks: 1" in bar


def test_the_tasks_through_the_api(article):
    report(Client(), article, "incorrect", "Wrong port.")
    api = client_for(user("ana"))
    listed = api.get("/api/tasks/", {"owner": "me"}).json()
    assert listed["total"] == 1
    task = listed["tasks"][0]
    assert (task["number"], task["kind"], task["state"], task["owner"]) == (
        article, "flags", "open", {"kind": "user", "name": "ana"})
    assert [(f["reason"], f["comment"], f["by"]) for f in task["flags"]] == [("incorrect", "Wrong port.", None)]
    assert api.get("/api/tasks/", {"state": "done"}).json()["total"] == 0
    assert api.get("/api/tasks/", {"state": "closed"}).status_code == 400
    assert api.get(f"/api/tasks/{task['id']}/").json()["id"] == task["id"]
    assert api.get("/api/tasks/99999999999999999999/").status_code == 404
    assert client_for(user_with(None, "rita")).get("/api/tasks/").status_code == 403
