"""Geometry for server-rendered SVG bar charts (the data table beside them is the source)."""

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
