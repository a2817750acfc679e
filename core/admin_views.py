"""The staff screen for a person's rights: look up, export, erase — each one audited.

Requests are POSTed, never put in a URL: a phone number in a query string would end up
in access logs and browser history.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import personal_data
from .admin_screens import AdminScreen, CodenamePermissionPolicy
from .forms import EraseForm, SubjectForm
from .models import PersonalDataAction


class PersonalDataView(AdminScreen):
    permission_policy = CodenamePermissionPolicy(PersonalDataAction)
    permission_required = "handle_personal_data"
    template_name = "core/personal_data.html"
    page_title = gettext_lazy("Personal data requests")
    header_icon = "user"

    def render(self, status=200, **context):
        context.setdefault("form", SubjectForm())
        context["recent"] = PersonalDataAction.objects.select_related("user")[:20]
        return super().render(status, **context)

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
                return redirect("core_personal_data:index")
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
