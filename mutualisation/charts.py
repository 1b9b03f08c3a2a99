"""The dashboard's month-by-month chart, drawn as inline SVG on the server (no script, no CDN)."""

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mutualisation.reports import Month

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 12, 28
# Colours with at least 3:1 contrast on white (WCAG non-text contrast).
SERIES = (("received", "#1d6b3a"), ("committed", "#b35c00"), ("paid", "#7a1f4b"))


def month_names() -> list[str]:
    return [_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"), _("Jul"), _("Aug"), _("Sep"), _("Oct"),
            _("Nov"), _("Dec")]


def series_labels() -> dict[str, str]:
    return {"received": _("Received"), "committed": _("Committed"), "paid": _("Paid")}


def short_euros(cents: int) -> str:
    """1500 € → '1,5 k€': whole euros, thousands and millions with at most one decimal."""
    euros = Decimal(cents) / 100
    for size, unit in ((1_000_000, "M€"), (1_000, "k€")):
        if abs(euros) >= size:
            return f"{euros / size:.1f}".removesuffix(".0").replace(".", ",") + f" {unit}"
    return f"{euros:.0f} €"


def axis_step(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n euros (in cents) of which four reach `value`: the axis reads 0 to 4 steps,
    every label a round figure."""
    step = 100
    while True:
        for factor in (1, 2, 5):
            if 4 * step * factor >= value:
                return step * factor
        step *= 10


def month_chart(months: list[Month], title: str) -> SafeString:
    step = axis_step(max([1, *(getattr(month, name) for month in months for name, _colour in SERIES)]))
    top = 4 * step
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(months)
    bar = slot * 0.8 / len(SERIES)
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="chart-title" '
             f'class="month-chart" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(title)}</title>']
    for tick in range(5):
        value = step * tick
        y = TOP + plot_height - plot_height * tick / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{short_euros(value)}</text>')
    labels = series_labels()
    for index, (month, name) in enumerate(zip(months, month_names(), strict=True)):
        x0 = LEFT + index * slot + slot * 0.1
        for position, (series, colour) in enumerate(SERIES):
            value = getattr(month, series)
            # A month can be negative (a receipt reversed later): no bar then, its figure stays in the bar's
            # title and in the table under the chart.
            height = plot_height * max(value, 0) / top
            parts.append(
                f'<rect x="{x0 + position * bar:.1f}" y="{TOP + plot_height - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{escape(name)} · {escape(labels[series])} : '
                f'{short_euros(value)}</title></rect>')
        parts.append(f'<text x="{x0 + slot * 0.4:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped, numbers are ours


def legend() -> list[tuple[str, str]]:
    labels = series_labels()
    return [(labels[series], colour) for series, colour in SERIES]
