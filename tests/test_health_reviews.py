"""Review dates (issue 28): an article is verified until its review date — its last review,
else its creation, plus its interval (its own, else the shortest of its products', else the
site's, 180 days unless a publisher changes it); an import keeps a review date its front
matter gives. Past it a published article needs review: editors see it in their lists and on
the article's editor bar, readers see nothing unless publishers show "last reviewed on".
Verifying, by its owner or a publisher, records who, when and what, and moves the date."""
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
import pytest

from articles.editing import actions, health
from articles.health import dates
from articles.health.models import ArticleHealth, Verification
from articles.importing import import_paths
from articles.search import sync
from tests.helpers import write
from tests.test_editing import BODY, client_for, user_with

pytestmark = pytest.mark.django_db

FILE = "---\ntitle: Ledger stops\narticle-number: {number}\nsolution: {product}\n{extra}---\n# Ledger stops\n\nIt stops.\n"


@pytest.fixture(autouse=True)
def search_index():
    sync.bring_up_to_date()


def today():
    return timezone.localdate()


def browser_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def published(user, title="Ledger export stops", products=("Contoso Ledger",)):
    number = actions.create_article(user, translation={"language": "en", "title": title, "body": BODY,
                                                      "products": list(products)}).number
    actions.transition(user, number, "validated")
    return number


def reviewed_days_ago(number, days):
    """The article's last review ``days`` ago, its date made again as the daily run does."""
    ArticleHealth.objects.filter(article__number=number).update(reviewed_at=timezone.now() - timedelta(days=days))
    health.refresh_due_dates()


def due(number):
    return ArticleHealth.objects.get(article__number=number).review_due


@pytest.mark.parametrize("own, products, default, expected", [
    (None, [], 180, (180, "default")),
    (None, [90, 30], 180, (30, "product")),
    (None, [None, 400], 180, (400, "product")),  # longer than the site's: the product says so
    (14, [30], 180, (14, "article")),
])
def test_the_interval_is_the_articles_else_its_shortest_products_else_the_sites(own, products, default, expected):
    assert dates.interval_of(own, products, default) == expected


@pytest.mark.parametrize("front_matter, expected", [
    ({"last-reviewed": "2024-03-01"}, date(2024, 3, 1)),
    ({"last-substantial-update": "2022-10-31T00:00:00Z"}, date(2022, 10, 31)),
    ({"last-reviewed-date": "10/30/2023 7:26:04 PM"}, date(2023, 10, 30)),
    ({"last-reviewed": "2024-03-01", "last-substantial-update": "2022-10-31"}, date(2024, 3, 1)),
    ({"last-reviewed": "soon"}, None),
    ({"last-reviewed": "0202-10-31"}, None),
    ({"last-reviewed": ["2024-03-01"]}, None),
    ({}, None),
])
def test_a_review_date_is_read_from_front_matter(front_matter, expected):
    found = dates.reviewed_on(front_matter)
    assert (found.date() if found else None) == expected


def test_a_new_article_is_due_its_interval_after_today_and_a_products_interval_moves_it():
    pia = user_with("publisher", "pia")
    number = published(pia)
    assert due(number) == today() + timedelta(days=180)
    assert health.set_product_interval(pia, "Contoso Ledger", 30) == 1
    assert due(number) == today() + timedelta(days=30)
    health.set_review_interval(pia, number, 7)
    assert due(number) == today() + timedelta(days=7)
    health.set_review_interval(pia, number, None)
    health.set_product_interval(pia, "Contoso Ledger", None)
    health.set_review_settings(pia, default_interval_days=365)
    assert due(number) == today() + timedelta(days=365)


def test_an_import_keeps_the_review_date_its_front_matter_gives(tmp_path):
    write(tmp_path / "a" / "KB-1.md", FILE.format(number="KB-1", product="Contoso Ledger",
                                                  extra="last-reviewed: 2024-03-01\n"))
    write(tmp_path / "a" / "KB-2.md", FILE.format(number="KB-2", product="Contoso Ledger", extra=""))
    future = (today() + timedelta(days=30)).isoformat()
    write(tmp_path / "a" / "KB-3.md", FILE.format(number="KB-3", product="Contoso Ledger",
                                                  extra=f"last-reviewed: {future}\n"))
    assert import_paths([tmp_path / "a"]).ok
    assert due("KB-1") == date(2024, 3, 1) + timedelta(days=180)
    assert ArticleHealth.objects.get(article__number="KB-1").reviewed_by is None
    assert due("KB-2") == today() + timedelta(days=180)
    assert due("KB-3") == today() + timedelta(days=180)  # a review in the future is no review
    # A later file moves it on; an older date in a file never moves it back.
    write(tmp_path / "b" / "KB-1.md", FILE.format(number="KB-1", product="Contoso Ledger",
                                                  extra="last-reviewed: 2024-06-01\ndescription: again\n"))
    assert import_paths([tmp_path / "b"]).ok
    assert due("KB-1") == date(2024, 6, 1) + timedelta(days=180)
    write(tmp_path / "c" / "KB-1.md", FILE.format(number="KB-1", product="Contoso Ledger",
                                                  extra="last-reviewed: 2023-01-01\ndescription: once more\n"))
    assert import_paths([tmp_path / "c"]).ok
    assert due("KB-1") == date(2024, 6, 1) + timedelta(days=180)


def test_an_imported_article_falls_due_by_its_products_interval_else_the_sites(tmp_path):
    pia = user_with("publisher", "pia")
    health.set_review_settings(pia, default_interval_days=90)
    write(tmp_path / "seed" / "KB-9.md", FILE.format(number="KB-9", product="Contoso Payroll", extra=""))
    assert import_paths([tmp_path / "seed"]).ok
    health.set_product_interval(pia, "Contoso Payroll", 14)
    write(tmp_path / "a" / "KB-1.md", FILE.format(number="KB-1", product="Contoso Payroll",
                                                  extra="last-reviewed: 2024-03-01\n"))
    write(tmp_path / "a" / "KB-2.md", FILE.format(number="KB-2", product="Contoso Ledger", extra=""))
    assert import_paths([tmp_path / "a"]).ok
    assert due("KB-1") == date(2024, 3, 1) + timedelta(days=14)
    assert due("KB-2") == today() + timedelta(days=90)
    assert health.refresh_due_dates() == 0  # the dates the import gave are the ones the rules make


def test_past_its_date_a_published_article_needs_review_in_the_lists_and_on_the_editor_bar():
    pia = user_with("publisher", "pia")
    late, fresh = published(pia, "Late article"), published(pia, "Fresh article")
    draft = actions.create_article(pia, translation={"language": "en", "title": "Draft", "body": BODY}).number
    for number in (late, draft):
        reviewed_days_ago(number, 200)
    page = browser_for(pia)
    lists = page.get("/en/editor/").content.decode()
    section = lists.split('id="due-title"')[1].split("</section>")[0]
    assert f">{late}</a>" in section and f">{fresh}</a>" not in section and f">{draft}</a>" not in section
    assert '<span class="count">1</span>' in section
    bar = page.get(f"/en/articles/{late}/").content.decode().split('class="editor-bar"')[1].split("</aside>")[0]
    assert "Needs review: its review date was" in bar and "Owner: pia" in bar
    bar = page.get(f"/en/articles/{fresh}/").content.decode().split('class="editor-bar"')[1].split("</aside>")[0]
    assert "Needs review" not in bar and "Review date:" in bar
    panel = page.get(f"/en/editor/articles/{late}/").content.decode().split('id="health"')[1]
    assert "needs review" in panel.split("</dl>")[0]


def test_readers_see_nothing_of_reviews_unless_publishers_show_the_last_review(client):
    pia = user_with("publisher", "pia")
    number = published(pia)
    reviewed_days_ago(number, 200)
    health.verify(pia, number, "Checked the steps.")
    first = client.get(f"/en/articles/{number}/")
    html = first.content.decode()
    assert "Last reviewed" not in html and "review" not in html.lower().replace("reviewed-", "")
    health.set_review_settings(pia, show_last_reviewed=True)
    second = client.get(f"/en/articles/{number}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200  # the stored page is made again, not answered 304
    assert "<dt>Last reviewed</dt>" in second.content.decode()
    french = client.get(f"/fr/articles/{number}/").content.decode()
    assert "Dernière relecture" in french


def test_the_owner_verifies_and_the_date_moves_with_who_when_and_what_recorded():
    ana, pia = user_with("editor", "ana"), user_with("publisher", "pia")
    number = published(pia)
    health.set_owner(pia, number, owner_user="ana")
    reviewed_days_ago(number, 200)
    page = browser_for(ana)
    response = page.post(f"/en/editor/articles/{number}/verify/", {"comment": "Steps still work on 7.2."},
                         follow=True)
    assert "Marked as reviewed." in response.content.decode()
    verification = Verification.objects.get()
    assert (verification.by, verification.comment) == (ana, "Steps still work on 7.2.")
    assert verification.review_due == due(number) == today() + timedelta(days=180)
    panel = page.get(f"/en/editor/articles/{number}/").content.decode().split('id="health"')[1]
    assert "Steps still work on 7.2." in panel and "needs review" not in panel.split("</dl>")[0]
    assert number not in page.get("/en/editor/").content.decode().split('id="due-title"')[1].split("</section>")[0]


def test_only_the_owner_a_member_of_the_owning_group_or_a_publisher_may_verify():
    ana, ben, pia = user_with("editor", "ana"), user_with("editor", "ben"), user_with("publisher", "pia")
    number = published(pia)
    health.set_owner(pia, number, owner_group=Group.objects.create(name="ledger-team").name)
    assert browser_for(ben).post(f"/en/editor/articles/{number}/verify/").status_code == 403
    ben.groups.add(Group.objects.get(name="ledger-team"))
    assert browser_for(ben).post(f"/en/editor/articles/{number}/verify/").status_code == 302
    refused = client_for(ana).post(f"/api/articles/{number}/verifications/", {}, format="json")
    assert refused.status_code == 403
    assert client_for(pia).post(f"/api/articles/{number}/verifications/", {}, format="json").status_code == 201
    assert list(Verification.objects.values_list("by__username", flat=True)) == ["pia", "ben"]


def test_an_archived_article_is_not_verified():
    pia = user_with("publisher", "pia")
    number = published(pia)
    actions.transition(pia, number, "archived")
    response = client_for(pia).post(f"/api/articles/{number}/verifications/", {"comment": "x"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"


def test_the_review_state_through_the_api():
    pia = user_with("publisher", "pia")
    number = published(pia)
    api = client_for(pia)
    state = api.get(f"/api/articles/{number}/review/").json()
    assert state == {"number": number, "owner": {"kind": "user", "name": "pia"}, "interval_days": None,
                     "effective_interval_days": 180, "interval_source": "default", "reviewed_at": None,
                     "reviewed_by": None, "review_due": (today() + timedelta(days=180)).isoformat(),
                     "needs_review": False}
    state = api.put(f"/api/articles/{number}/review/", {"interval_days": 30}, format="json").json()
    assert (state["interval_source"], state["review_due"]) == ("article", (today() + timedelta(days=30)).isoformat())
    made = api.post(f"/api/articles/{number}/verifications/", {"comment": "Checked."}, format="json")
    assert made.status_code == 201 and made.json()["by"] == "pia" and made.json()["comment"] == "Checked."
    listed = api.get(f"/api/articles/{number}/verifications/").json()["verifications"]
    assert [v["comment"] for v in listed] == ["Checked."]


@pytest.mark.parametrize("body, code", [
    ({"interval_days": 0}, "min_value"), ({"interval_days": 3651}, "max_value"),
    ({"interval_days": "often"}, "invalid"), ({}, "required"),
])
def test_an_interval_out_of_range_is_refused(body, code):
    pia = user_with("publisher", "pia")
    number = published(pia)
    response = client_for(pia).put(f"/api/articles/{number}/review/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert due(number) == today() + timedelta(days=180)


def test_publishers_set_the_sites_interval_and_a_products_on_the_settings_page():
    pia, ana = user_with("publisher", "pia"), user_with("editor", "ana")
    number = published(pia, products=("Contoso Ledger", "Contoso Vault"))
    page = browser_for(pia)
    assert "Review settings" in page.get("/en/editor/").content.decode()
    response = page.post("/en/editor/review-settings/", {"default_interval_days": "90"}, follow=True)
    assert "Review settings saved." in response.content.decode() and due(number) == today() + timedelta(days=90)
    page.post("/en/editor/review-settings/", {"product": "Contoso Vault", "days": "45"})
    assert due(number) == today() + timedelta(days=45)
    html = page.get("/en/editor/review-settings/").content.decode()
    assert "Contoso Vault" in html.split('class="article-list product-intervals"')[1].split("</ul>")[0]
    page.post("/en/editor/review-settings/", {"product": "Contoso Vault", "days": ""})  # removed
    assert due(number) == today() + timedelta(days=90)
    assert browser_for(ana).get("/en/editor/review-settings/").status_code == 403
    assert "Review settings" not in browser_for(ana).get("/en/editor/").content.decode()


def test_the_review_settings_through_the_api():
    pia, ana = user_with("publisher", "pia"), user_with("editor", "ana")
    number = published(pia, products=("Contoso Ledger", "Contoso Vault"))
    api = client_for(pia)
    assert api.get("/api/review-settings/").json() == {"default_interval_days": 180, "show_last_reviewed": False,
                                                         "products": []}
    changed = api.put("/api/review-settings/", {"default_interval_days": 90, "products": {"Contoso Vault": 45}},
                      format="json").json()
    assert changed == {"default_interval_days": 90, "show_last_reviewed": False,
                       "products": [{"product": "Contoso Vault", "days": 45}]}
    assert due(number) == today() + timedelta(days=45)
    refused = api.put("/api/review-settings/", {"default_interval_days": 30,
                                                "products": {"Contoso Vault": None, "No Such Product": 10}},
                      format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "unknown_product"
    assert "No Such Product" in refused.json()["error"]["message"]
    assert api.get("/api/review-settings/").json()["default_interval_days"] == 90  # all or nothing
    assert due(number) == today() + timedelta(days=45)
    assert client_for(ana).get("/api/review-settings/").status_code == 200
    assert client_for(ana).put("/api/review-settings/", {"show_last_reviewed": True},
                               format="json").status_code == 403


def test_staff_change_review_settings_in_the_admin_and_review_dates_follow():
    from django.contrib.auth.models import User

    from articles.health.models import HealthSettings

    pia = user_with("publisher", "pia")
    number = published(pia)
    boss = User.objects.create_superuser("boss", "boss@example.com", "a long passphrase for tests")
    admin = Client()
    admin.force_login(boss)
    assert admin.get("/admin/health/task/").status_code == 200
    settings_row = HealthSettings.current()
    response = admin.post(f"/admin/health/healthsettings/{settings_row.pk}/change/", {"default_interval_days": "60"})
    assert response.status_code == 302
    assert due(number) == today() + timedelta(days=60)
