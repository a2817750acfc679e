from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from core.i18n import ENGLISH_HELP, EnglishFields


@register_setting(icon="site")
class SiteSettings(EnglishFields, ClusterableModel, BaseSiteSetting):
    """Contact details, legal notices and the main menu, shown on every page."""

    fire_hotline = models.CharField(
        _("fire emergency number"),
        max_length=20,
        default="119",
        help_text=_("Shown in the header and footer of every page."),
    )
    service_hotline = models.CharField(
        _("service hotline"),
        max_length=30,
        blank=True,
        help_text=_("Number for questions about visits, bookings and the contest."),
    )
    service_hours = models.CharField(_("service hours"), max_length=80, blank=True)
    service_hours_en = models.CharField(
        _("service hours in English"), max_length=80, blank=True, help_text=ENGLISH_HELP
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    address_en = models.CharField(
        _("address in English"), max_length=200, blank=True, help_text=ENGLISH_HELP
    )
    department_name = models.CharField(
        _("department name"),
        max_length=80,
        blank=True,
        help_text=_("Printed on guides and booking confirmations."),
    )
    department_name_en = models.CharField(
        _("department name in English"), max_length=120, blank=True, help_text=ENGLISH_HELP
    )
    short_name = models.CharField(
        _("short name"),
        max_length=20,
        blank=True,
        help_text=_(
            "Shown beside the logo in the header of every page, e.g. a city's name and 消防."
        ),
    )
    short_name_en = models.CharField(
        _("short name in English"), max_length=30, blank=True, help_text=ENGLISH_HELP
    )
    city = models.ForeignKey(
        "education.Place",
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "city", "parent": None},
        help_text=_(
            "The city this site serves: its districts, towns and venues are the site's "
            "places (experience centres, reach figures)."
        ),
    )
    email = models.EmailField(_("email"), blank=True)
    wechat_account = models.CharField(_("WeChat official account"), max_length=80, blank=True)
    wechat_qr = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("WeChat QR code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    footer_text_en = models.TextField(
        _("footer text in English"), blank=True, help_text=ENGLISH_HELP
    )
    icp_number = models.CharField(
        _("ICP filing number"),
        max_length=60,
        blank=True,
        help_text=_("e.g. 苏ICP备12345678号; links to the MIIT filing site."),
    )
    public_security_filing = models.CharField(
        _("public security filing number"), max_length=60, blank=True
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("fire_hotline"),
                FieldPanel("service_hotline"),
                FieldPanel("service_hours"),
                FieldPanel("service_hours_en"),
                FieldPanel("address"),
                FieldPanel("address_en"),
                FieldPanel("email"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("wechat_account"), FieldPanel("wechat_qr")], heading=_("WeChat")
        ),
        MultiFieldPanel(
            [
                FieldPanel("department_name"),
                FieldPanel("department_name_en"),
                FieldPanel("short_name"),
                FieldPanel("short_name_en"),
                FieldPanel("city"),
                FieldPanel("footer_text"),
                FieldPanel("footer_text_en"),
                FieldPanel("icp_number"),
                FieldPanel("public_security_filing"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
            ],
            heading=_("Footer and legal"),
        ),
        InlinePanel(
            "menu_items",
            heading=_("Main menu"),
            label=_("menu item"),
            help_text=_(
                "Short labels in the order they appear. When the list is empty, the menu "
                "shows the home page's children marked 'show in menus', by title."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")


class MenuItem(Orderable):
    """One entry of the main menu: a page, or a path of the site that is not a page."""

    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="menu_items")
    label = models.CharField(
        _("label"),
        max_length=8,
        help_text=_("Short, so that several fit on a phone's screen, e.g. 主题公园."),
    )
    label_en = models.CharField(
        _("English label"),
        max_length=20,
        blank=True,
        help_text=_("Shown on the English site; the label is used when this is empty."),
    )
    # A deleted page takes its menu entry with it.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(
        _("path"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(r"^/[-a-z0-9/]*$", _("A path of this site, such as /booking/."))
        ],
        help_text=_("For a part of the site that is not a page, such as /booking/."),
    )

    panels = [FieldPanel("label"), FieldPanel("label_en"), FieldPanel("page"), FieldPanel("path")]

    class Meta(Orderable.Meta):
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        constraints = [
            models.CheckConstraint(
                condition=(Q(page__isnull=False) & Q(path=""))
                | (Q(page__isnull=True) & ~Q(path="")),
                name="education_menuitem_page_or_path",
                violation_error_message=_("Choose a page or give a path, not both."),
            )
        ]

    def clean(self):
        if bool(self.page_id) == bool(self.path):
            raise ValidationError(_("Choose a page or give a path, not both."))

    def __str__(self):
        return self.label
