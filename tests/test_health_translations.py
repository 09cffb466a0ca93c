"""Every page and message of articles/health is in the reader's language: the pages are
walked in each language while every message they look up is checked against its catalog
(``looked_up`` of test_translations)."""
from django.contrib.auth.models import Group
from django.test import Client
import pytest

from articles.editing import actions
from tests.test_editing import BODY, user_with
from tests.test_translations import LANGUAGES, looked_up  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_health_pages_are_in_the_readers_language(looked_up, lang):  # noqa: F811
    pia = user_with("publisher", "pia")
    user_with("editor", "ana").groups.add(Group.objects.create(name="ledger-team"))
    number = actions.create_article(pia, translation={"language": "en", "title": "Ledger", "body": BODY}).number
    client = Client()
    client.force_login(pia)
    client.post(f"/{lang}/editor/articles/{number}/owner/", {"owner": "group:ledger-team"})
    for path in (f"/{lang}/editor/articles/{number}/", f"/{lang}/editor/?owner=me"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert looked_up == []
