from django.utils import translation
from django.utils.functional import SimpleLazyObject

from .switching import language_options


def site_languages(request):
    """What every page's header needs: ``LANG``, the interface language of the page;
    ``language_options``, this page in each language (``switching.LanguageOption``), built only
    when a template reads it; and ``site_origin`` (``https://kb.example.com``) for absolute
    links, the host checked once."""
    return {
        "LANG": translation.get_language(),
        "site_origin": SimpleLazyObject(lambda: f"{request.scheme}://{request.get_host()}"),
        "language_options": SimpleLazyObject(lambda: language_options(request, translation.get_language())),
    }
