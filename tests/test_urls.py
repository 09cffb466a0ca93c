"""Every address reaches its own view whatever the order of the URL patterns: the readers'
patterns come first (``kb/urls.py``: most requests are theirs), so none may take an address
meant for a pattern after it."""
import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

SAMPLES = {"lang": "fr", "str": "KA-1234", "int": "7", "path": "guide/setup", "slug": "x", "uuid": None}
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _addresses(patterns, prefix="", namespace=""):
    """``(address, pattern)`` for each route pattern outside the admin (a sample address made
    from its route); regular-expression patterns are left out."""
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _addresses(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            sample = PLACEHOLDER.sub(lambda m: SAMPLES.get(m["converter"] or "str") or "", route)
            yield "/" + sample, entry, namespace


def test_each_address_reaches_its_own_pattern():
    checked = 0
    for address, pattern, namespace in _addresses(get_resolver().url_patterns):
        match = resolve(address)
        assert match.func == pattern.callback or match.url_name == pattern.name, (
            f"{address} reaches {match.view_name}, not {namespace}{pattern.name}")
        checked += 1
    assert checked > 60  # the project's own pages and API, not an empty walk


def test_the_readers_pages_are_tried_before_the_editors():
    def module(entry):
        name = getattr(entry, "urlconf_name", None)
        return getattr(name, "__name__", name)

    order = [module(entry) for entry in get_resolver().url_patterns]
    assert order.index("articles.urls") < min(order.index(name) for name in (
        "articles.editor_urls", "articles.health.urls", "articles.notifications.urls", "articles.quality.urls"))
