"""Materials in the reach admin: create and edit them (through ``services.save_material``,
so their quantity lands in the figures by the write path), download their QR codes
(SVG, PNG, A4 sheet, poster), and the scans report."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from core.admin_screens import ScreenMixin

from . import qr, services
from .forms import campaigns
from .models import Channel, Material
from .services.write import derived_metric_codes

FILES = {
    "svg": ("image/svg+xml", "svg", qr.svg),
    "png": ("image/png", "png", qr.png),
    "sheet": ("application/pdf", "pdf", qr.sheet),
    "poster": ("application/pdf", "pdf", qr.poster),
}


class MaterialForm(WagtailAdminModelForm):
    class Meta:
        model = Material
        fields = [
            "kind",
            "label",
            "campaign",
            "channel",
            "place",
            "target_page",
            "quantity",
            "start_date",
            "end_date",
            "retired",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns()
        # Copies and plays are typed-in figures: never a computed metric's channel.
        self.fields["channel"].queryset = Channel.objects.select_related("metric").exclude(
            metric__code__in=derived_metric_codes()
        )
        self.fields["target_page"].required = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The material cannot be withdrawn before it is out."))
        return cleaned


class SavedThroughService:
    """Create and edit save through the service; a refusal of the write path (an
    approved period, a date outside the campaign) shows on the form, nothing saved."""

    log_action = "wagtail.edit"

    def save_instance(self):
        instance = services.save_material(self.form.instance, user=self.request.user)
        log(instance=instance, action=self.log_action, user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class MaterialCreateView(SavedThroughService, generic.CreateView):
    log_action = "wagtail.create"


class MaterialEditView(SavedThroughService, generic.EditView):
    pass


class MaterialIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        labels = {
            "sheet": _("Print sheet (A4, PDF)"),
            "poster": _("Poster (A2, PDF)"),
            "svg": _("QR code (SVG)"),
            "png": _("QR code (PNG)"),
        }
        for priority, (kind, label) in enumerate(labels.items(), start=40):
            buttons.append(
                ListingMenuItem(
                    label,
                    url=reverse("reach_materials:qr", args=(instance.pk, kind)),
                    icon_name="download",
                    priority=priority,
                )
            )
        return buttons


class QRFileView(ScreenMixin, View):
    """One of the material's QR files, as a download named after its code."""

    permission_policy = ModelPermissionPolicy(Material)
    permission_required = "view"

    def get(self, request, pk, kind):
        if kind not in FILES:
            raise Http404
        material = get_object_or_404(Material, pk=pk)
        content_type, extension, make = FILES[kind]
        response = HttpResponse(make(material), content_type=content_type)
        name = f"qr-{material.code}-{kind}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MaterialViewSet(ModelViewSet):
    name = "reach_materials"
    model = Material
    icon = "doc-full"
    form_class = MaterialForm
    add_view_class = MaterialCreateView
    edit_view_class = MaterialEditView
    index_view_class = MaterialIndexView
    copy_view_enabled = False
    list_display = ["label", "code", "kind", "campaign", "place", "quantity", "start_date"]
    list_filter = ["kind", "campaign", "channel", "place", "retired"]
    search_fields = ["label", "code"]
    list_export = [
        "code",
        "label",
        "kind",
        "campaign",
        "channel",
        "place",
        "quantity",
        "start_date",
        "end_date",
        "retired",
    ]
    export_filename = "reach-materials"

    def get_form_class(self, for_update=False):
        return MaterialForm

    def get_common_view_kwargs(self, **kwargs):
        # Retired, never deleted: its scans and its share of the figures stay explained.
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None}

    def get_urlpatterns(self):
        return [
            *(p for p in super().get_urlpatterns() if p.name != "delete"),
            path("qr/<int:pk>/<str:kind>/", QRFileView.as_view(), name="qr"),
        ]
