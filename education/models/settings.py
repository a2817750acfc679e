from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details and legal notices shown on every page."""

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
    address = models.CharField(_("address"), max_length=200, blank=True)
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
                FieldPanel("address"),
                FieldPanel("email"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("wechat_account"), FieldPanel("wechat_qr")], heading=_("WeChat")
        ),
        MultiFieldPanel(
            [
                FieldPanel("footer_text"),
                FieldPanel("icp_number"),
                FieldPanel("public_security_filing"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
            ],
            heading=_("Footer and legal"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")
