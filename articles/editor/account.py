"""Signing in and out with Django's auth views, in the reader's language. Authentication goes
through ``settings.AUTHENTICATION_BACKENDS`` (django-axes first), so failed sign-ins are
rate-limited exactly as the admin's are."""
from django.contrib.auth import views as auth_views
from django.urls import reverse
from django.utils import translation

from .. import languages
from ..editing.permissions import can_edit


def interface_language(request):
    """``?lang=``, else the language of the page to go back to (``next=/fr/…``), else the
    browser's (``Accept-Language``)."""
    for candidate in (request.GET.get("lang"), request.POST.get("lang"),
                      (request.GET.get("next") or request.POST.get("next") or "").strip("/").split("/")[0]):
        code = languages.normalize_language(candidate or "")
        if code:
            return code
    return languages.negotiate(request.headers.get("Accept-Language"))


class SignInView(auth_views.LoginView):
    """Template ``registration/login.html``; context ``form`` (``username``, ``password``), ``next``."""

    def dispatch(self, request, *args, **kwargs):
        code = interface_language(request)
        with translation.override(code):
            request.LANGUAGE_CODE = code
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response.headers.setdefault("Content-Language", languages.bcp47(code))
        return response

    def get_default_redirect_url(self):
        code = translation.get_language()
        if can_edit(self.request.user):
            return reverse("editor:dashboard", kwargs={"lang": code})
        return reverse("articles:home", kwargs={"lang": code})


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5); back to the home page in the interface language."""

    def get_default_redirect_url(self):
        return reverse("articles:home", kwargs={"lang": interface_language(self.request)})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once sign-in is locked (``AXES_LOCKOUT_CALLABLE``): a page in the
    reader's language, 429. Axes answers from its middleware, after the view's language is gone."""
    from django.shortcuts import render

    code = interface_language(request)
    with translation.override(code):
        response = render(request, "registration/locked_out.html", status=429)
    response.headers.setdefault("Content-Language", languages.bcp47(code))
    return response


AXES_USERNAME_CHARS = 255  # django-axes' username column


def sign_in_username(request, credentials=None):
    """The user name django-axes counts a sign-in under (``AXES_USERNAME_CALLABLE``): the one
    typed, cut to what its records hold. Django's sign-in forms pass any length on to
    authentication, and a longer name made the record fail (a 500 on PostgreSQL)."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(typed)[:AXES_USERNAME_CHARS]
