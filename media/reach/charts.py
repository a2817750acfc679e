"""Geometry for server-rendered SVG bar charts (the data table beside them is the source).

A chart's points are ``(date, value)``, oldest first. Its bars and its table rows are
written here rather than by a template loop: a campaign page has hundreds of them, and
six template variables per bar (each localized and escaped in turn) cost more than the
rest of the page. The markup is the same as the loop wrote.
"""

from html import escape

from django.utils.formats import localize
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 240, 30, 28, 8


BUCKET_DAYS = {"day": 1, "week": 7, "month": 30.44}


def bar_chart(points, *, bucket="week", width=WIDTH, height=HEIGHT):
    """Bars for [(date, value)] placed on a time axis: x/y/w/h in SVG units, with
    first/last date labels. A period without figures is an empty stretch of the axis
    (a gap), never squeezed out."""
    points = [(day, value) for day, value in points if value is not None]
    if not points:
        return None
    peak = max(value for _day, value in points) or 1
    plot = height - TOP - BOTTOM
    days = BUCKET_DAYS.get(bucket, 7)
    span = (points[-1][0] - points[0][0]).days + days
    scale = (width - 2 * LEFT) / span
    step = days * scale
    bars = []
    for day, value in points:
        h = round(plot * value / peak, 1)
        offset = (day - points[0][0]).days * scale
        bars.append(
            {
                "x": round(LEFT + offset + step * 0.1, 1),
                "y": round(TOP + plot - h, 1),
                "w": round(max(step * 0.8, 1), 1),
                "h": h,
                "day": day,
                "value": value,
            }
        )
    return {
        "width": width,
        "height": height,
        "baseline": TOP + plot,
        "label_y": height - 6,
        "peak": peak,
        "bars": bars,
        "first": points[0][0],
        "last": points[-1][0],
        "last_x": width - LEFT,
    }


def bars_markup(chart):
    """The chart's bars as SVG ``<rect>``s, each titled with its day and value.

    The coordinates are plain numbers (an SVG attribute is no place for a localized
    one); the value is localized and escaped as ``{{ value }}`` would be; the day as
    ``|date:"Y-m-d"`` writes a date. Numbers and dates need no escaping, so the markup
    is joined directly (``format_html`` per bar cost as much as the template loop).
    """
    return mark_safe(  # noqa: S308 - numbers, ISO dates and escaped values only
        "".join(
            f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["w"]}" height="{bar["h"]}" '
            f'class="reach-chart__bar"><title>{bar["day"].isoformat()}: '
            f"{_shown(bar['value'])}</title></rect>"
            for bar in chart["bars"]
        )
    )


def table_rows(points):
    """The chart's figures as table rows: the day and its value (as ``bars_markup``)."""
    return mark_safe(  # noqa: S308 - ISO dates and escaped values only
        "".join(
            f'<tr><th scope="row">{day.isoformat()}</th><td>{_shown(value)}</td></tr>'
            for day, value in points
        )
    )


def _shown(value):
    """A value as a template shows it: localized, then escaped."""
    return escape(str(localize(value)))
