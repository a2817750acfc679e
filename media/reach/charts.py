"""Geometry for server-rendered SVG bar charts (the data table beside them is the source)."""

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 240, 30, 28, 8


def bar_chart(points, *, width=WIDTH, height=HEIGHT):
    """Bars for [(date, value)]: x/y/w/h in SVG units, with first/last date labels."""
    if not points:
        return None
    peak = max(value for _day, value in points) or 1
    plot = height - TOP - BOTTOM
    step = (width - 2 * LEFT) / len(points)
    bars = []
    for index, (day, value) in enumerate(points):
        h = round(plot * value / peak, 1)
        bars.append(
            {
                "x": round(LEFT + index * step + step * 0.1, 1),
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
