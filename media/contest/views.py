"""Public views: the contest page (call, form, gallery), an entry, withdrawal."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.models import Locale

from core import ratelimit
from core.clients import client_ip

from . import held, selectors, services
from .forms import EntryForm, WithdrawForm
from .messages import withdrawal_path
from .models import ConsentNotice, Entry

PAGE_SIZE = 24
WITHDRAW_LINK_SESSION_KEY = "contest_withdraw_link"  # noqa: S105 - a session key, not a secret


def _rate_limited(request, page, verdict):
    response = render(request, "contest/rate_limited.html", {"page": page}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _page_number(value):
    return int(value) if value.isdigit() and len(value) < 7 else 1


def contest_index(request, page):
    contest = page.canonical()
    notice = ConsentNotice.current()
    form = None
    status = 200
    accepting = contest.is_accepting_entries() and notice is not None
    if accepting:
        if request.method == "POST":
            verdict = ratelimit.hit(f"contest:ip:{client_ip(request)}", 30, 3600)
            if not verdict.allowed:
                return _rate_limited(request, page, verdict)
            form = EntryForm(request.POST, request.FILES, contest=contest, notice=notice)
            if form.is_valid():
                phone = form.cleaned_data["guardian_phone"]
                verdict = ratelimit.hit(f"contest:phone:{phone}", 10, 86400)
                if not verdict.allowed:
                    return _rate_limited(request, page, verdict)
                try:
                    entry, token = services.submit_entry(
                        contest=contest, data=form.cleaned_data, notice=notice, drawing=form.drawing
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    held.release(form.cleaned_data["held_drawing"], contest)
                    request.session[WITHDRAW_LINK_SESSION_KEY] = token
                    return HttpResponseRedirect(page.url + page.reverse_subpage("submitted"))
            form.keep_drawing()
            status = 400
        else:
            form = EntryForm(contest=contest, notice=notice)
    elif request.method == "POST":
        status = 400
    next_call = None if accepting else selectors.other_open_call(contest)
    if next_call is not None:
        next_call = next_call.get_translation_or_none(Locale.get_active()) or next_call

    filters = {
        key: request.GET.get(key, "")[:60] for key in ("category", "age_group", "award", "school")
    }
    entries = selectors.gallery(contest, **filters)
    paginator = Paginator(entries, PAGE_SIZE)
    gallery_page = paginator.get_page(_page_number(request.GET.get("page", "1")))
    query = urlencode({key: value for key, value in filters.items() if value})
    context = {
        "page": page,
        "contest": contest,
        "form": form,
        "notice": notice,
        "accepting": accepting,
        "next_call": next_call,
        "next_call_url": next_call.get_url(request=request) if next_call else "",
        "gallery_page": gallery_page,
        "filters": filters,
        "filter_query": query,
        "age_groups": list(contest.age_groups.all()),
        "schools": selectors.gallery_schools(contest),
        "awards": Entry.Award.choices[1:] if contest.results_are_public else [],
        "base_url": page.url,
    }
    return render(request, "contest/contest_page.html", context, status=status)


def entry_detail(request, page, entry_id):
    contest = page.canonical()
    entry = selectors.public_entries(contest).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    share_image = request.build_absolute_uri(entry.display_image.url) if entry.display_image else ""
    context = {
        "page": page,
        "contest": contest,
        "entry": entry,
        "base_url": page.url,
        "share_title": f"{entry.title} · {entry.display_name} · {page.title}",
        "share_description": f"{entry.display_name} · {entry.school} · {entry.get_grade_display()}",
        "share_image_url": share_image,
        "share_url": request.build_absolute_uri(request.path),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    return render(request, "contest/entry_detail.html", context)


@never_cache
def submitted(request, page):
    token = request.session.pop(WITHDRAW_LINK_SESSION_KEY, None)
    link = request.build_absolute_uri(withdrawal_path(token)) if token else ""
    return render(request, "contest/submitted.html", {"page": page, "withdraw_link": link})


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    entry = services.find_by_token(token)
    if entry is None:
        return render(request, "contest/withdraw.html", {"entry": None}, status=404)
    if entry.status == Entry.Status.WITHDRAWN:
        return render(request, "contest/withdraw.html", {"entry": entry, "done": True})
    form = WithdrawForm(request.POST or None)
    if request.method == "POST":
        verdict = ratelimit.hit(f"contest:withdraw:{client_ip(request)}", 20, 3600)
        if not verdict.allowed:
            return _rate_limited(request, None, verdict)
        if form.is_valid():
            services.withdraw(entry)
            return render(request, "contest/withdraw.html", {"entry": entry, "done": True})
        return render(request, "contest/withdraw.html", {"entry": entry, "form": form}, status=400)
    return render(
        request,
        "contest/withdraw.html",
        {"entry": entry, "form": form, "title": _("Withdraw an entry")},
    )
