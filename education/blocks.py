"""StreamField blocks editors compose pages with. Each has a template, an icon, a
description and a preview, so the admin's block chooser shows what it makes."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

T = "education/blocks/"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("warning", _("Warning")), ("danger", _("Danger"))],
        default="info",
        label=_("tone"),
    )
    heading = blocks.CharBlock(label=_("heading"), max_length=80, required=False)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "link"])

    class Meta:
        template = T + "callout.html"
        icon = "warning"
        label = _("Callout")
        description = _("A highlighted box: a tip, a warning or a danger.")
        preview_value = {
            "tone": "danger",
            "heading": "切勿",
            "text": "<p>不要在楼道里给电动车充电。</p>",
        }


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=80, required=False)
    steps = blocks.ListBlock(
        blocks.TextBlock(label=_("step")), label=_("steps"), min_num=1, max_num=20
    )

    class Meta:
        template = T + "steps.html"
        icon = "list-ol"
        label = _("Numbered steps")
        description = _("What to do, in order.")
        preview_value = {"heading": "发现起火时", "steps": ["大声呼喊", "迅速撤离", "拨打119"]}


class ChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=80, required=False)
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("item"), max_length=200), label=_("items"), min_num=1
    )

    class Meta:
        template = T + "checklist.html"
        icon = "tasks"
        label = _("Checklist")
        description = _("Things a resident can tick off at home.")
        preview_value = {"heading": "每月检查", "items": ["烟感报警器有电", "灭火器压力正常"]}


class DoDontBlock(blocks.StructBlock):
    do = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("do"))
    dont = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("don't"))

    class Meta:
        template = T + "do_dont.html"
        icon = "tick-inverse"
        label = _("Do and don't")
        description = _("Two short lists side by side: what to do and what never to do.")
        preview_value = {"do": ["到集中充电点充电"], "dont": ["把电池带回家充电"]}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), max_length=200, required=False)

    class Meta:
        template = T + "image.html"
        icon = "image"
        label = _("Image with caption")
        description = _("A picture, shown at the width of the screen, with an optional caption.")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video link"), help_text=_("Address of the video page."))
    caption = blocks.CharBlock(label=_("caption"), max_length=200, required=False)

    class Meta:
        template = T + "video.html"
        icon = "media"
        label = _("Video")
        description = _("An embedded video from a video site.")


class LeafletBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), max_length=100, required=False)

    class Meta:
        template = T + "leaflet.html"
        icon = "doc-full"
        label = _("Downloadable leaflet")
        description = _("A link to download a leaflet or poster (PDF).")


class MapLocationBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("place name"), max_length=100)
    address = blocks.CharBlock(label=_("address"), max_length=200)
    latitude = blocks.DecimalBlock(label=_("latitude"), max_digits=9, decimal_places=6)
    longitude = blocks.DecimalBlock(label=_("longitude"), max_digits=9, decimal_places=6)
    directions = blocks.TextBlock(label=_("how to get there"), required=False)

    class Meta:
        template = T + "map_location.html"
        icon = "site"
        label = _("Map location")
        description = _("An address with coordinates and directions; opens in a map app.")
        preview_value = {
            "name": "消防主题公园",
            "address": "人民路1号",
            "latitude": "31.910000",
            "longitude": "120.270000",
            "directions": "乘公交到人民路站。",
        }


class OpeningHoursBlock(blocks.StructBlock):
    rows = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("days", blocks.CharBlock(label=_("days"), max_length=60)),
                ("hours", blocks.CharBlock(label=_("hours"), max_length=60)),
            ]
        ),
        label=_("opening hours"),
    )
    note = blocks.CharBlock(label=_("note"), max_length=200, required=False)

    class Meta:
        template = T + "opening_hours.html"
        icon = "time"
        label = _("Opening hours")
        description = _("Days and hours as a small table.")
        preview_value = {"rows": [{"days": "周二至周日", "hours": "9:00–17:00"}], "note": ""}


class FAQBlock(blocks.StructBlock):
    items = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("question", blocks.CharBlock(label=_("question"), max_length=200)),
                ("answer", blocks.RichTextBlock(label=_("answer"), features=["bold", "link"])),
            ]
        ),
        label=_("questions"),
    )

    class Meta:
        template = T + "faq.html"
        icon = "help"
        label = _("Questions and answers")
        description = _("Frequently asked questions; each opens without JavaScript.")
        preview_value = {"items": [{"question": "要收费吗？", "answer": "<p>免费参观。</p>"}]}


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        template = T + "paragraph.html"
        icon = "pilcrow"
        label = pgettext_lazy("stream block", "Text")
        description = _("Paragraphs with headings, lists and links.")
        preview_value = "<p>电动车火灾多发生在夜间充电时。</p>"


def body_blocks():
    """The blocks every content page offers."""
    return [
        ("text", ParagraphBlock(features=["h2", "h3", "bold", "link", "ol", "ul"])),
        ("steps", StepsBlock()),
        ("checklist", ChecklistBlock()),
        ("do_dont", DoDontBlock()),
        ("callout", CalloutBlock()),
        ("image", CaptionedImageBlock()),
        ("video", VideoBlock()),
        ("leaflet", LeafletBlock()),
        ("map", MapLocationBlock()),
        ("hours", OpeningHoursBlock()),
        ("faq", FAQBlock()),
    ]


class SelfCheckQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=200)
    safe_answer = blocks.ChoiceBlock(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        label=_("safe answer"),
        help_text=_("The answer that means the household is doing it right."),
    )
    not_applicable = blocks.CharBlock(
        label=_("'does not apply' answer"),
        max_length=40,
        required=False,
        help_text=_(
            "For a question some households cannot answer, the words of a third answer, "
            "e.g. 我家没有电动车. It counts neither as safe nor as risky. Empty: yes or no only."
        ),
    )
    advice = blocks.TextBlock(
        label=_("advice"), help_text=_("Shown when the resident gives the other answer.")
    )
    guide = blocks.PageChooserBlock(
        page_type="education.SafetyGuidePage",
        required=False,
        label=_("guide"),
        help_text=_("The safety guide that explains the advice; the result links to it."),
    )

    class Meta:
        icon = "help"
        label = _("Question")
        description = _("A yes/no question with the advice for the risky answer.")
        preview_value = {
            "question": "你会在楼道里给电动车充电吗？",
            "safe_answer": "no",
            "not_applicable": "我家没有电动车",
            "advice": "请到小区集中充电点充电。",
        }
