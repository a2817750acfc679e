"""The staff screen for a person's rights: look up, export, erase — each one audited.

Requests are POSTed, never put in a URL: a phone number in a query string would end up
in access logs and browser history.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import personal_data
from .forms import EraseForm, SubjectForm
from .models import PersonalDataAction

PERMISSION = "core.handle_personal_data"


class PersonalDataView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "core/personal_data.html"
    page_title = gettext_lazy("Personal data requests")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, status=200, **context):
        context.setdefault("form", SubjectForm())
        context["recent"] = PersonalDataAction.objects.select_related("user")[:20]
        response = self.render_to_response(self.get_context_data(**context))
        response.status_code = status
        return response

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "lookup")
        form = SubjectForm(request.POST)
        if not form.is_valid():
            return self.render(status=400, form=form)
        subject = form.cleaned_data["subject"]
        if action == "export":
            text = personal_data.export_text(subject, request.user)
            response = HttpResponse(text, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="personal-data.txt"'
            response["Cache-Control"] = "no-store"
            return response
        erase_form = EraseForm(initial={"subject": subject.value})
        if action == "erase":
            erase_form = EraseForm(request.POST)
            if erase_form.is_valid():
                erased = personal_data.erase(
                    subject, request.user, erase_form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _(
                        "Erased the contact data of %(count)s records; the audit trail keeps "
                        "the request."
                    )
                    % {"count": sum(erased.values())},
                )
                return redirect("core_personal_data")
        holdings = personal_data.audited_lookup(subject, request.user)
        return self.render(
            status=400 if erase_form.is_bound else 200,
            form=form,
            subject=subject,
            holdings=holdings,
            found=sum(len(items) for items in holdings.values()),
            erasable=sum(1 for items in holdings.values() for h in items if h.erasable),
            erase_form=erase_form,
        )
