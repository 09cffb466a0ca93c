"""Pages of ``articles.health``: for editors an article's owner, reviews and interval, the
site's review settings, "Requires attention" and a task's page; for readers the report form
of an article's page. Thin: validate, call the editing service (``editing.health``) or the
tasks' (``tasks``), redirect or render."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..analytics import feedback
from ..analytics.views import reader_post, with_reader_cookie
from ..editing import health as care
from ..editing.errors import Invalid, InvalidTransition
from ..editing.permissions import can_edit, can_publish
from ..editor.shortcuts import editor_page, forbidden
from ..models import MAX_DATABASE_INTEGER as MAX_ID, Product
from ..views import with_language
from . import dates, owners, panels, tasks
from .models import HealthSettings, ReviewInterval, Task

DAYS = {"min_value": dates.MIN_INTERVAL_DAYS, "max_value": dates.MAX_INTERVAL_DAYS}


class IntervalForm(forms.Form):
    interval_days = forms.IntegerField(required=False, **DAYS)


class SettingsForm(forms.Form):
    default_interval_days = forms.IntegerField(label=gettext_lazy("Review interval of every article (days)"), **DAYS)
    show_last_reviewed = forms.BooleanField(label=gettext_lazy("Show readers when an article was last reviewed"),
                                            required=False)


class ProductIntervalForm(forms.Form):
    product = forms.CharField(max_length=200)
    days = forms.IntegerField(required=False, **DAYS)


def _done(request, call, message):
    """Calls the service; a refused value or state becomes an error message, else ``message``
    (``Forbidden`` and ``NotFound`` are the 403 and 404 pages: ``editor_page``)."""
    try:
        call()
    except (Invalid, InvalidTransition) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)


def _back(lang, number):
    return redirect("editor:article", lang=lang, number=number)


@require_POST
@editor_page
def set_owner(request, lang, number):
    """POST ``owner`` (``user:<name>``, ``group:<name>`` or "" for nobody): publishers name
    the article's owner; back to the article's editor page."""
    kind, name = owners.parse(request.POST.get("owner", ""))
    _done(request, lambda: care.set_owner(request.user, number, owner_user=name if kind == "user" else None,
                                          owner_group=name if kind == "group" else None), _("Owner changed."))
    return _back(lang, number)


@require_POST
@editor_page
def verify(request, lang, number):
    """POST ``comment``: the owner or a publisher marks the article reviewed."""
    _done(request, lambda: care.verify(request.user, number, request.POST.get("comment", "")),
          _("Marked as reviewed."))
    return _back(lang, number)


@require_POST
@editor_page
def set_interval(request, lang, number):
    """POST ``interval_days`` (empty: the products' or the site's interval)."""
    form = IntervalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The interval is from %(min)d to %(max)d days.")
                       % {"min": dates.MIN_INTERVAL_DAYS, "max": dates.MAX_INTERVAL_DAYS})
    else:
        _done(request, lambda: care.set_review_interval(request.user, number, form.cleaned_data["interval_days"]),
              _("Review interval changed."))
    return _back(lang, number)


@editor_page
def review_settings(request, lang):
    """Publishers: the site's review interval, whether readers see "last reviewed on", and the
    intervals of products. Template ``health/settings.html``; context ``form``, ``intervals``
    (``ReviewInterval`` rows), ``products`` (names without one)."""
    if not can_publish(request.user):
        return forbidden(request, _("Only publishers may do this."))
    current = HealthSettings.current()
    form = SettingsForm(request.POST or None, initial={"default_interval_days": current.default_interval_days,
                                                      "show_last_reviewed": current.show_last_reviewed})
    if request.method == "POST":
        if "product" in request.POST:
            product_form = ProductIntervalForm(request.POST)
            if product_form.is_valid():
                values = product_form.cleaned_data
                _done(request, lambda: care.set_product_interval(request.user, values["product"], values["days"]),
                      _("Review interval changed."))
            else:
                messages.error(request, _("The interval is from %(min)d to %(max)d days.")
                               % {"min": dates.MIN_INTERVAL_DAYS, "max": dates.MAX_INTERVAL_DAYS})
            return redirect("health:settings", lang=lang)
        if form.is_valid():
            _done(request, lambda: care.set_review_settings(request.user, **form.cleaned_data),
                  _("Review settings saved."))
            return redirect("health:settings", lang=lang)
    intervals = list(ReviewInterval.objects.select_related("product").order_by("product__name"))
    taken = {row.product_id for row in intervals}
    products = [name for pk, name in Product.objects.order_by("name").values_list("pk", "name") if pk not in taken]
    return render(request, "health/settings.html", {"form": form, "intervals": intervals, "products": products})


@editor_page
def attention(request, lang):
    """Editors: "Requires attention", the open and in-progress tasks, longest open first, with
    the time each has been open. Template ``health/attention.html``; context ``panels.attention``'s."""
    return render(request, "health/attention.html", panels.attention(request, lang))


@editor_page
def task_detail(request, lang, task_id):
    """One task: its article, its reports, its state and, for who looks after the article, the
    moves it may make. Template ``health/task.html``; context ``panels.task_panel``'s."""
    task = (Task.objects.select_related("article", "started_by", "closed_by").filter(pk=task_id).first()
            if task_id <= MAX_ID else None)
    if task is None:
        raise Http404(f"no task {task_id}")
    return render(request, "health/task.html", panels.task_panel(task, request.user))


@require_POST
@editor_page
def move_task(request, lang, task_id):
    """POST ``to`` (``in_progress``, ``done``, ``declined``, or "" to change only
    ``close_on_publish``), ``comment`` (the reason, for declined), ``close_on_publish``
    ("on" or absent, sent with ``set_close_on_publish``); back to the task's page."""
    close = ("close_on_publish" in request.POST) if "set_close_on_publish" in request.POST else None
    _done(request, lambda: tasks.move(request.user, task_id, request.POST.get("to", ""),
                                      request.POST.get("comment", ""), close_on_publish=close),
          _("Task updated."))
    return redirect("health:task", lang=lang, task_id=task_id)


@csrf_exempt  # its form is on stored reader pages, which hold no token: checked by origin instead
@require_POST
@with_language
def flag_article(request, lang, number):
    """A reader's (or an editor's) report from the article's page: ``reason`` (incorrect,
    outdated, missing_step, other), ``comment``, ``language`` of the translation read. Counted
    with the votes, per address (``feedback.allow_vote``; editors are not counted): 429 past
    it; 403 when a browser says another site sent it; 400 for a reason or comment refused.
    Redirects back to the article with a thank-you."""
    editor = can_edit(request.user)
    shown, language, reader_id, refused = reader_post(request, lang, number, counted=not editor)
    if refused:
        return refused
    try:
        tasks.flag(shown.article, language, request.POST.get("reason", ""), request.POST.get("comment", ""),
                   reader="" if editor else feedback.reader_hash(reader_id), user=request.user if editor else None)
    except Invalid as error:
        return render(request, "analytics/message.html", {"message": error.message}, status=400)
    target = reverse("articles:article", kwargs={"lang": lang, "number": shown.article.number})
    response = redirect(f"{target}?flag=thanks#flag")
    return response if editor else with_reader_cookie(response, request, reader_id)
