"""Notifications (issue 28): each event of the editing service reaches the people it concerns,
never the one who acted, once the change commits; each user's preferences decide how (off,
the inbox, an e-mail at once, the daily digest) and in which language; ``kb_daily`` sends one
digest per user and day however often and on however many servers it runs; a failure to send
never fails the action; one user's inbox is a 404 to anyone else."""
from datetime import timedelta
from io import StringIO
import logging
import re
import threading

from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from articles.editing import actions, health
from articles.health import tasks
from articles.health.models import ArticleHealth, Task
from articles.models import Article
from articles.notifications import daily, people
from articles.notifications.models import Digest, Notification
from articles.notifications.preferences import set_preferences
from articles.search import sync
from tests.test_editing import BODY, client_for, user_with

pytestmark = pytest.mark.django_db
SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the SMTP server refused the connection")


@pytest.fixture(autouse=True)
def search_index():
    sync.bring_up_to_date()


@pytest.fixture(autouse=True)
def console_free_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KB_EMAIL_SITE_URL = "https://kb.example.com"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(call, *args)``: the call, then what it left for after its commit."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def person(role, name):
    user = user_with(role, name)
    user.email = f"{name}@example.com"
    user.save()
    return user


@pytest.fixture
def team():
    """ana writes (and owns what she writes), bob edits, pia and olga publish."""
    return {name: person(role, name) for role, name in
            (("editor", "ana"), ("editor", "bob"), ("publisher", "pia"), ("publisher", "olga"))}


@pytest.fixture
def article(team):
    return actions.create_article(team["ana"], translation={"language": "en", "title": "Ledger export stops",
                                                            "body": BODY}).number


def told(kind=None):
    """``[(recipient, kind)]`` of every notification, sorted."""
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", "kind"))


def recipients_of(messages):
    return sorted(address for message in messages for address in message.to)


# -- each event reaches the right people, never the actor ------------------------------------------
def test_a_submitted_article_waits_for_the_publishers_and_not_its_author(committed, team, article):
    committed(actions.transition, team["ana"], article, "not_validated")
    assert told() == [("olga", "waiting_for_review"), ("pia", "waiting_for_review")]


def test_an_article_owned_by_a_group_waits_for_the_groups_members(committed, team, article):
    crew = Group.objects.create(name="fr-team")
    team["bob"].groups.add(crew)
    team["ana"].groups.add(crew)
    health.set_owner(team["pia"], article, owner_group="fr-team")
    committed(actions.transition, team["ana"], article, "not_validated")
    assert told() == [("bob", "waiting_for_review")]


def test_sending_back_tells_the_author_with_the_comment(committed, team, article):
    committed(actions.transition, team["ana"], article, "not_validated")
    Notification.objects.all().delete()
    committed(actions.transition, team["pia"], article, "wip", "Step 2 needs a screenshot.")
    assert told() == [("ana", "sent_back")]
    assert Notification.objects.get().comment == "Step 2 needs a screenshot."


def test_publishing_tells_the_author_and_the_owner_but_not_the_publisher(committed, team, article):
    health.set_owner(team["pia"], article, owner_user="bob")
    committed(actions.transition, team["pia"], article, "validated")
    assert told() == [("ana", "published"), ("bob", "published")]


def test_a_publisher_publishing_their_own_article_is_told_nothing(committed, team):
    number = actions.create_article(team["pia"], translation={"language": "en", "title": "Own", "body": BODY}).number
    committed(actions.transition, team["pia"], number, "validated")
    assert told() == []


def test_a_report_tells_the_owner_and_the_owner_reporting_is_told_nothing(committed, team, article):
    actions.transition(team["pia"], article, "validated")
    found = Article.objects.get(number=article)
    committed(tasks.flag, found, "en", "missing_step", "Step 3 needs the admin role.", reader="r1")
    assert told() == [("ana", "flagged")]
    row = Notification.objects.get()
    assert (row.detail, row.comment, row.actor, row.task.kind) == ("missing_step", "Step 3 needs the admin role.",
                                                                   None, "flags")
    committed(tasks.flag, found, "en", "outdated", "", user=team["ana"])
    assert told() == [("ana", "flagged")]


def test_giving_an_article_with_an_open_task_to_a_new_owner_assigns_it_to_them(committed, team, article):
    actions.transition(team["pia"], article, "validated")
    tasks.flag(Article.objects.get(number=article), "en", "incorrect", "The port is 8443.", reader="r1")
    committed(health.set_owner, team["pia"], article, owner_user="bob")
    assert told("task_assigned") == [("bob", "task_assigned")]
    row = Notification.objects.get(kind="task_assigned")
    assert (row.actor, row.task.kind, row.detail) == (team["pia"], "flags", "flags")
    Task.objects.filter(pk=row.task_id).update(kind="low_rated")
    Notification.objects.filter(pk=row.pk).update(detail="low_rated")
    text = client_for(team["bob"]).get(f"/api/notifications/{row.pk}/?lang=fr").json()["text"]
    assert text == f"pia vous a confié la tâche « Jugé inutile par les lecteurs » sur {article}."


def test_the_daily_run_reminds_the_owner_of_a_due_review_once(committed, team, article):
    actions.transition(team["pia"], article, "validated")
    ArticleHealth.objects.filter(article__number=article).update(reviewed_at=timezone.now() - timedelta(days=200))
    call_command("kb_daily", stdout=StringIO())
    call_command("kb_daily", "--again", stdout=StringIO())
    assert told("review_due") == [("ana", "review_due")]
    assert Notification.objects.get(kind="review_due").task.kind == "review"


def test_nobody_is_told_of_a_change_that_rolled_back(committed, team, article):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            committed(actions.transition, team["ana"], article, "not_validated")
            raise RuntimeError("the request failed after the transition")
    assert told() == []


def test_users_who_may_not_edit_are_never_told(committed, team, article):
    team["olga"].groups.clear()
    team["pia"].is_active = False
    team["pia"].save()
    assert people.publishers() == set()
    committed(actions.transition, team["ana"], article, "not_validated")
    assert told() == []


# -- preferences: off, the inbox, an e-mail at once, the digest ------------------------------------
@pytest.mark.parametrize("mode, rows, at_once, in_digest", [
    ("off", 0, 0, 0), ("in_app", 1, 0, 0), ("immediate", 1, 1, 0), ("digest", 1, 0, 1)])
def test_each_mode_is_respected(committed, team, article, mode, rows, at_once, in_digest):
    set_preferences(team["ana"], modes={"sent_back": mode})
    committed(actions.transition, team["ana"], article, "not_validated")
    mail.outbox.clear()
    committed(actions.transition, team["pia"], article, "wip", "Needs a screenshot.")
    assert Notification.objects.filter(recipient=team["ana"]).count() == rows
    assert len(mail.outbox) == at_once
    mail.outbox.clear()
    daily.run_daily()
    assert recipients_of(m for m in mail.outbox if m.to == ["ana@example.com"]) == ["ana@example.com"] * in_digest


def test_the_defaults_mail_what_waits_on_one_person_at_once_and_gather_the_rest(committed, team, article):
    committed(actions.transition, team["ana"], article, "not_validated")  # the publishers: digest
    assert mail.outbox == []
    committed(actions.transition, team["pia"], article, "wip", "Needs a screenshot.")  # ana: at once
    assert recipients_of(mail.outbox) == ["ana@example.com"]
    committed(actions.transition, team["pia"], article, "validated")  # ana: the inbox only
    assert recipients_of(mail.outbox) == ["ana@example.com"]


def test_a_user_without_an_address_gets_the_inbox_only(committed, team, article):
    User.objects.filter(username="ana").update(email="")
    committed(actions.transition, team["ana"], article, "not_validated")
    committed(actions.transition, team["pia"], article, "wip", "Needs a screenshot.")
    assert Notification.objects.get(recipient__username="ana").delivery == "in_app"
    assert mail.outbox == []


def test_a_kind_turned_to_the_inbox_after_the_event_is_not_in_the_digest(committed, team, article):
    committed(actions.transition, team["ana"], article, "not_validated")
    set_preferences(team["pia"], modes={"waiting_for_review": "in_app"})
    daily.run_daily()
    assert recipients_of(mail.outbox) == ["olga@example.com"]


# -- digests --------------------------------------------------------------------------------------
def many_submitted(team, n):
    numbers = []
    for i in range(n):
        number = actions.create_article(team["ana"], translation={"language": "en", "title": f"Article {i}",
                                                                  "body": BODY}).number
        actions.transition(team["ana"], number, "not_validated")
        numbers.append(number)
    return numbers


def test_many_events_make_one_digest_per_user_listing_each_newest_first(committed, team):
    numbers = committed(many_submitted, team, 3)
    report = daily.run_daily()
    assert (report.digests, report.notifications, report.failed) == (2, 6, 0)
    pia = next(m for m in mail.outbox if m.to == ["pia@example.com"])
    assert "(3)" in pia.subject and pia.subject.startswith("[kb] ")
    body = pia.body
    assert [body.index(n + " ") for n in reversed(numbers)] == sorted(body.index(n + " ") for n in numbers)
    assert f"https://kb.example.com/en/editor/articles/{numbers[0]}/" in body
    html, kind = pia.alternatives[0]
    assert kind == "text/html" and f'href="https://kb.example.com/en/editor/articles/{numbers[0]}/"' in html


def test_running_the_daily_digest_twice_sends_nothing_twice(committed, team):
    committed(many_submitted, team, 2)
    first, second = daily.run_daily(), daily.run_daily()
    assert (first.digests, second.digests) == (2, 0)
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(emailed_at__isnull=True).exclude(delivery="in_app").count() == 0
    tomorrow = daily.run_daily(timezone.localdate() + timedelta(days=1))
    assert tomorrow.digests == 0 and len(mail.outbox) == 2


def test_what_happens_after_the_days_digest_waits_for_the_next_day(committed, team):
    committed(many_submitted, team, 1)
    daily.run_daily()
    committed(many_submitted, team, 1)
    assert daily.run_daily().digests == 0
    assert daily.run_daily(timezone.localdate() + timedelta(days=1)).digests == 2
    assert len(mail.outbox) == 4


def at_once(servers, call):
    """``call()`` on ``servers`` threads started together: (results, errors)."""
    results, errors, start = [], [], threading.Barrier(servers)

    def server():
        try:
            start.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 — shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=server) for _ in range(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_several_servers_running_kb_daily_at_once_send_each_digest_once(team):
    many_submitted(team, 3)  # no test transaction: the callbacks run as in production
    actions.transition(team["pia"], many_submitted(team, 1)[0], "validated")
    ArticleHealth.objects.update(reviewed_at=timezone.now() - timedelta(days=200))
    outputs, errors = at_once(4, lambda: call_command("kb_daily", stdout=StringIO()))
    assert errors == []
    assert sorted(recipients_of(mail.outbox)) == ["ana@example.com", "olga@example.com", "pia@example.com"]
    assert Digest.objects.count() == 3 and all(d.sent_at for d in Digest.objects.all())
    assert Notification.objects.filter(kind="review_due").count() == 1
    assert Notification.objects.exclude(digest=None).count() == Notification.objects.exclude(delivery="in_app").count()


# -- language ---------------------------------------------------------------------------------------
def test_the_email_is_in_the_language_last_used_in_the_editor(committed, team, article):
    browser = Client()
    browser.force_login(team["ana"])
    assert browser.get("/fr/editor/").status_code == 200
    committed(actions.transition, team["ana"], article, "not_validated")
    committed(actions.transition, team["pia"], article, "wip", "Il manque une capture.")
    message = mail.outbox[0]
    assert message.subject == f"[kb] pia a renvoyé {article} en cours de rédaction."
    assert f"https://kb.example.com/fr/editor/articles/{article}/" in message.body
    assert "Choisissez ce qui vous est signalé" in message.body
    assert '<html lang="fr">' in message.alternatives[0][0]


def test_a_chosen_language_wins_over_the_editors_and_english_is_the_default(committed, team, article):
    set_preferences(team["pia"], language="ja")
    committed(actions.transition, team["ana"], article, "not_validated")
    daily.run_daily()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "ナレッジベースからの通知" in by_address["pia@example.com"].subject
    assert "ana さんが" in by_address["pia@example.com"].body
    assert by_address["olga@example.com"].subject == "[kb] Notifications from the knowledge base (1)"


# -- failures never fail the action ----------------------------------------------------------------
def test_an_smtp_failure_never_fails_a_publish_and_the_mail_goes_with_the_next_digest(committed, team, article,
                                                                                       settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    set_preferences(team["ana"], modes={"published": "immediate"})
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        committed(actions.transition, team["pia"], article, "validated")
    assert Article.objects.get(number=article).status == "validated"
    row = Notification.objects.get(recipient__username="ana")
    assert row.emailed_at is None and "refused the connection" in caplog.text
    report = daily.run_daily()
    assert report.failed == 1 and Digest.objects.count() == 0  # given back: the next run tries again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert daily.run_daily().digests == 1
    assert recipients_of(mail.outbox) == ["ana@example.com"]


def test_an_error_while_notifying_never_fails_the_action(committed, team, article, monkeypatch, caplog):
    def broken(article_id):
        raise RuntimeError("the recipients could not be read")

    monkeypatch.setattr(people, "authors", broken)
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        committed(actions.transition, team["pia"], article, "validated")
    assert Article.objects.get(number=article).status == "validated"
    assert "recipients could not be read" in caplog.text


# -- the inbox and its permissions ------------------------------------------------------------------
@pytest.fixture
def anas_inbox(committed, team, article):
    """ana has a sent-back and a flagged notification, newest last; bob has none."""
    committed(actions.transition, team["ana"], article, "not_validated")
    committed(actions.transition, team["pia"], article, "wip", "Needs a screenshot.")
    actions.transition(team["ana"], article, "not_validated")
    actions.transition(team["pia"], article, "validated")
    Notification.objects.exclude(recipient__username="ana").delete()
    Notification.objects.filter(kind="published").delete()
    committed(tasks.flag, Article.objects.get(number=article), "en", "outdated", "Menu moved.", reader="r1")
    return list(Notification.objects.filter(recipient__username="ana").order_by("created_at", "id"))


def test_the_inbox_lists_newest_first_marks_unread_and_links_to_the_task(team, anas_inbox):
    browser = Client()
    browser.force_login(team["ana"])
    html = browser.get("/en/editor/notifications/").content.decode()
    sent_back, flagged = anas_inbox
    assert html.index("reported a problem") < html.index("back to work in progress")
    assert html.count('class="notification unread"') == 2 and "2 unread" in html
    assert f'href="/en/editor/notifications/{flagged.pk}/"' in html
    response = browser.get(f"/en/editor/notifications/{flagged.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/en/editor/tasks/{flagged.task_id}/"
    response = browser.post(f"/en/editor/notifications/{sent_back.pk}/read/", {"page": "1"})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=team["ana"], read_at__isnull=True).count() == 0


def test_the_editor_menu_counts_the_unread_with_one_query(team, anas_inbox):
    browser = Client()
    browser.force_login(team["ana"])
    with CaptureQueriesContext(connection) as queries:
        html = browser.get("/en/editor/review/").content.decode()
    menu = html.split('<nav class="editor-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'aria-label="Notifications, 2 unread"' in menu and '<span class="unread-count">2</span>' in menu
    counted = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counted) == 1 and "COUNT(" in counted[0].upper()
    browser.post("/en/editor/notifications/read/")
    assert "unread-count" not in browser.get("/en/editor/review/").content.decode()


def test_one_user_cannot_read_or_mark_anothers_notifications(team, anas_inbox):
    mine = anas_inbox[0].pk
    bob_api = client_for(team["bob"])
    assert bob_api.get(f"/api/notifications/{mine}/").status_code == 404
    assert bob_api.post(f"/api/notifications/{mine}/read/").status_code == 404
    assert bob_api.get("/api/notifications/").json()["total"] == 0
    bob = Client()
    bob.force_login(team["bob"])
    assert bob.get(f"/en/editor/notifications/{mine}/").status_code == 404
    assert bob.post(f"/en/editor/notifications/{mine}/read/").status_code == 404
    assert "Needs a screenshot" not in bob.get("/en/editor/notifications/").content.decode()
    assert bob.post("/en/editor/notifications/read/").status_code == 302
    assert Notification.objects.filter(recipient=team["ana"], read_at__isnull=True).count() == 2
    assert client_for().get("/api/notifications/").status_code == 401
    assert client_for(user_with(None, "reader")).get("/api/notifications/").status_code == 403


# -- the API ----------------------------------------------------------------------------------------
def test_the_api_lists_a_page_at_a_time_and_marks_read(team, anas_inbox):
    api = client_for(team["ana"])
    body = api.get("/api/notifications/?page_size=1").json()
    assert (body["total"], body["unread"], body["pages"], len(body["notifications"])) == (2, 2, 2, 1)
    first = body["notifications"][0]
    assert (first["kind"], first["detail"], first["actor"], first["link"]) == (
        "flagged", "outdated", None, f"/en/editor/tasks/{first['task']}/")
    assert first["text"].startswith("A reader reported a problem with")
    second = api.get("/api/notifications/?page_size=1&page=2&lang=fr").json()["notifications"][0]
    assert second["text"].startswith("pia a renvoyé") and second["comment"] == "Needs a screenshot."
    read = api.post(f"/api/notifications/{second['id']}/read/").json()
    assert read["read_at"] is not None
    assert api.get("/api/notifications/?unread=1").json()["total"] == 1
    assert api.post(f"/api/notifications/{second['id']}/read/", {"read": False}, format="json").json()["read_at"] is None
    assert api.post("/api/notifications/read/").json() == {"marked": 2, "unread": 0}


def test_marking_read_in_bulk_takes_the_callers_ids_only_and_a_time(team, anas_inbox):
    sent_back, flagged = anas_inbox
    bob = person("editor", "carl")
    Notification.objects.create(recipient=bob, kind="published", delivery="in_app", created_at=timezone.now())
    theirs = Notification.objects.get(recipient=bob).pk
    api = client_for(team["ana"])
    assert api.post("/api/notifications/read/", {"ids": [sent_back.pk, theirs]}, format="json").json() == {
        "marked": 1, "unread": 1}
    assert Notification.objects.get(pk=theirs).read_at is None
    before = (flagged.created_at - timedelta(seconds=1)).isoformat()
    assert api.post("/api/notifications/read/", {"before": before}, format="json").json()["marked"] == 0
    response = api.post("/api/notifications/read/", {"ids": "all"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["field"] == "ids"


@pytest.mark.parametrize("query, field", [("page=0", "page"), ("page=x", "page"), ("page_size=101", "page_size"),
                                          ("unread=maybe", "unread"), ("lang=xx", "lang")])
def test_the_api_names_a_parameter_it_refuses(team, query, field):
    response = client_for(team["ana"]).get(f"/api/notifications/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field and response.json()["error"]["code"] == "invalid_parameter"


def test_preferences_through_the_api(team):
    api = client_for(team["ana"])
    body = api.get("/api/notifications/preferences/").json()
    assert body["modes"]["sent_back"] == "immediate" and body["language"] is None and body["email"] is True
    body = api.put("/api/notifications/preferences/", {"modes": {"flagged": "off"}, "language": "ko-KR"},
                   format="json").json()
    assert (body["modes"]["flagged"], body["modes"]["sent_back"], body["email_language"]) == ("off", "immediate", "ko")
    assert api.put("/api/notifications/preferences/", {"language": None}, format="json").json()["language"] is None


@pytest.mark.parametrize("sent, field, code", [
    ({"modes": {"flagged": "sometimes"}}, "modes.flagged", "invalid_choice"),
    ({"modes": {"gossip": "off"}}, "modes.gossip", "unknown_kind"),
    ({"modes": ["off"]}, "modes", "invalid"),
    ({"language": "xx"}, "language", "unknown_language"),
])
def test_bad_preferences_are_refused_naming_the_field(team, sent, field, code):
    response = client_for(team["ana"]).put("/api/notifications/preferences/", sent, format="json")
    assert response.status_code == 400
    assert (response.json()["error"]["field"], response.json()["error"]["code"]) == (field, code)


def test_the_preferences_page_saves_the_choices(team):
    browser = Client()
    browser.force_login(team["ana"])
    html = browser.get("/de/editor/notifications/preferences/").content.decode()
    assert "Benachrichtigungseinstellungen" in html and "ana@example.com" in html
    values = {"waiting_for_review": "off", "sent_back": "digest", "published": "in_app", "flagged": "immediate",
              "task_assigned": "immediate", "review_due": "digest", "language": "es"}
    assert browser.post("/de/editor/notifications/preferences/", values).status_code == 302
    body = client_for(team["ana"]).get("/api/notifications/preferences/").json()
    assert body["modes"]["sent_back"] == "digest" and body["language"] == "es" and body["editor_language"] == "de"


def test_the_schema_documents_the_notifications_api(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"/api/notifications/", "/api/notifications/{notification_id}/",
            "/api/notifications/{notification_id}/read/", "/api/notifications/read/",
            "/api/notifications/preferences/"} <= set(paths)
    assert {"400", "401", "403"} <= set(paths["/api/notifications/preferences/"]["put"]["responses"])
    assert "404" in paths["/api/notifications/{notification_id}/"]["get"]["responses"]


# -- every string translated -----------------------------------------------------------------------
def notification_msgids():
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    found = set()
    for template in (base / "templates" / "notifications").glob("*.*"):
        text = template.read_text()
        found.update("".join(m) for m in re.findall(r"""\b_\((?:"([^"]+)"|'([^']+)')\)""", text))
        for block in re.findall(r"{% trans\b[^%]*%}(.*?){% endtrans %}", text, re.S):
            found.add(re.sub(r"{{ (\w+) }}", r"%(\1)s", block))
    for module in (base / "articles" / "notifications").glob("*.py"):
        found.update(re.findall(r'\b_\(\s*"((?:[^"\\]|\\.)+)"', module.read_text()))
    return sorted(found)


@pytest.mark.parametrize("language", ["fr", "de", "es", "ja", "ko", "zh_Hans"])
def test_every_notification_string_is_translated(language, settings):
    from babel.messages.pofile import read_po

    with open(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle) if message.id}
    assert len(notification_msgids()) > 40
    assert [msgid for msgid in notification_msgids() if not catalog.get(msgid)] == []
