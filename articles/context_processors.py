from . import languages


def site_languages(request):
    """The interface languages with their native names, for the header's language menu."""
    return {"site_languages": [(code, languages.native_name(code)) for code in languages.site_languages()]}
