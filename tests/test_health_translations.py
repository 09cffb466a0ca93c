"""Every page and message of articles/health is in the reader's language: the pages are
walked in each language while every message they look up is checked against its catalog
(``looked_up`` of test_translations)."""
from datetime import timedelta

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
import pytest

from articles.editing import actions, health
from articles.health.models import ArticleHealth, Task
from articles.search import sync
from tests.test_editing import BODY, user_with
from tests.test_translations import LANGUAGES, looked_up  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_health_pages_are_in_the_readers_language(looked_up, lang):  # noqa: F811
    sync.bring_up_to_date()
    pia = user_with("publisher", "pia")
    user_with("editor", "ana").groups.add(Group.objects.create(name="ledger-team"))
    number = actions.create_article(pia, translation={"language": "en", "title": "Ledger", "body": BODY,
                                                      "products": ["Contoso Ledger"]}).number
    actions.transition(pia, number, "validated")
    ArticleHealth.objects.update(reviewed_at=timezone.now() - timedelta(days=400))
    health.refresh_due_dates()
    health.set_review_settings(pia, show_last_reviewed=True)
    health.set_product_interval(pia, "Contoso Ledger", 30)
    client = Client()
    client.force_login(pia)
    client.post(f"/{lang}/editor/articles/{number}/owner/", {"owner": "group:ledger-team"})
    client.post(f"/{lang}/editor/articles/{number}/review-interval/", {"interval_days": "0"})  # refused
    for path in (f"/{lang}/editor/?owner=none", f"/{lang}/articles/{number}/", f"/{lang}/editor/review-settings/"):
        response = client.get(path)
        assert response.status_code == 200, path
    reader = Client()
    reader.post(f"/{lang}/articles/{number}/flag", {"reason": "outdated", "language": "en"})
    assert reader.get(f"/{lang}/articles/{number}/?flag=thanks").status_code == 200
    task = Task.objects.get()
    client.post(f"/{lang}/editor/tasks/{task.pk}/move/", {"to": "declined"})  # refused: no reason
    client.post(f"/{lang}/editor/tasks/{task.pk}/move/", {"to": "in_progress"})
    for path in (f"/{lang}/editor/attention/", f"/{lang}/editor/tasks/{task.pk}/"):
        assert client.get(path).status_code == 200, path
    client.post(f"/{lang}/editor/tasks/{task.pk}/move/", {"to": "done", "comment": "Fixed."})
    assert client.get(f"/{lang}/editor/tasks/{task.pk}/").status_code == 200
    client.post(f"/{lang}/editor/articles/{number}/verify/", {"comment": "Checked."})
    assert client.get(f"/{lang}/editor/articles/{number}/").status_code == 200
    assert Client().get(f"/{lang}/articles/{number}/").status_code == 200  # a reader: "last reviewed"
    assert looked_up == []
