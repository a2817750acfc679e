"""A short yes/no self-check with tailored advice. Nothing a resident answers is stored."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import SelfCheckQuestionBlock
from .base import ContentPage


class SelfCheckPage(ContentPage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])
    questions = StreamField(
        [("question", SelfCheckQuestionBlock())],
        verbose_name=_("questions"),
        min_num=1,
        max_num=20,
        help_text=_("About ten yes/no questions; each with advice for the risky answer."),
    )
    all_safe_text = RichTextField(
        _("when every answer is safe"), blank=True, features=["bold", "link"]
    )

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("questions"),
        FieldPanel("all_safe_text"),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("questions"),
    ]
    parent_page_types = ["education.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("self-check page")

    def get_context(self, request, *args, **kwargs):
        from ..forms import SelfCheckForm

        context = super().get_context(request, *args, **kwargs)
        questions = [block.value for block in self.questions]
        form = SelfCheckForm(questions, request.GET if "check" in request.GET else None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            context["result"] = form.result()
            # The same answers laid out for paper: every answer, and the guides' addresses.
            context["print_view"] = request.GET.get("print") == "1"
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        form = response.context_data["form"]
        if form.is_bound and not form.is_valid():
            response.status_code = 400
        return response
