"""No interface string is left in English: every page is walked in each language while each
message the templates and views look up is checked against that language's catalog."""
from django.utils import translation
from django.utils.translation import trans_real
import markupsafe
import pytest

from articles.importing import import_paths
from articles.languages import bcp47
from articles.search import sync

pytestmark = pytest.mark.django_db
LANGUAGES = ["fr", "de", "es", "ja", "ko", "zh-hans"]
PAGES = [
    "/{lang}/", "/{lang}/articles/", "/{lang}/articles/?sort=title&page=2", "/{lang}/products/campaign/",
    "/{lang}/articles/CMP-1/", "/{lang}/articles/CMP-2/", "/{lang}/codes/", "/{lang}/codes/?q=zzzz",
    "/{lang}/codes/CMP-400123/", "/{lang}/codes/RPT-504012/", "/{lang}/search", "/{lang}/search?q=CMP-400123",
    "/{lang}/search?q=northwind&page=2&product=northwind-server&language=en",
    "/{lang}/search?q=northwnd+notise", "/{lang}/search?q=northwnd+notise&exact=1", "/{lang}/search?q=qqqqqq",
    "/{lang}/no-such-page/", "/{lang}/articles/NO-SUCH/",
]
NOT_FOUND = {"/{lang}/no-such-page/", "/{lang}/articles/NO-SUCH/"}  # the 404 page, in the language too


@pytest.fixture
def looked_up(monkeypatch):
    """Records every message looked up while a language other than English is active, with
    that language, when its catalog lacks it."""
    missing = []
    trans = translation._trans

    def recorder(name, key_of):
        original = getattr(trans, name)

        def lookup(*args):
            language = translation.get_language()
            if language and language != "en":
                key = key_of(*args)
                if key not in trans_real.translation(language)._catalog:
                    missing.append((language, key if isinstance(key, str) else key[0]))
            return original(*args)
        monkeypatch.setattr(trans, name, lookup)

    recorder("gettext", lambda message: message)
    recorder("ngettext", lambda singular, plural, n: (singular, 0))
    recorder("pgettext", lambda context, message: f"{context}\x04{message}")
    recorder("npgettext", lambda context, singular, plural, n: (f"{context}\x04{singular}", 0))
    return missing


def in_language(message, lang):
    """``message`` translated into ``lang`` as a page shows it (escaped); refused when the
    catalog leaves it in English."""
    with translation.override(lang):
        translated = translation.gettext(message)
    assert translated != message, (lang, message)
    return str(markupsafe.escape(translated))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_in_the_readers_language(client, browse_dir, articles_dir, looked_up, lang):
    import_paths([browse_dir, articles_dir])
    sync.bring_up_to_date()
    skip_link = in_language("Skip to content", lang)  # in every page's header
    for page in PAGES:
        response = client.get(page.format(lang=lang))
        assert response.status_code == (404 if page in NOT_FOUND else 200), page
        html = response.content.decode()
        assert f'<html lang="{bcp47(lang)}">' in html and skip_link in html, page
    assert looked_up == []
