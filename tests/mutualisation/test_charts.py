import datetime
import xml.etree.ElementTree as ET

import pytest

from mutualisation import services
from mutualisation.charts import month_chart, month_names, series_labels
from mutualisation.reports import Month, year_figures
from tests.mutualisation.factories import ContributionFactory, FiscalYearFactory

SVG = "{http://www.w3.org/2000/svg}"


def bars(chart: str) -> list[ET.Element]:
    """The chart's bars, asserting the SVG parses and that no bar has a negative size."""
    found = list(ET.fromstring(chart).iter(f"{SVG}rect"))  # noqa: S314 -- our own SVG, not untrusted input
    assert found and all(float(bar.get("height")) >= 0 and float(bar.get("width")) >= 0 for bar in found)
    return found


def received_bar(chart: str, month: int) -> ET.Element:
    """The bar of what was received in this month (1–12), found by its title."""
    title = f"{month_names()[month - 1]} · {series_labels()['received']} :"
    return next(bar for bar in bars(chart) if bar.find(f"{SVG}title").text.startswith(title))


def test_a_negative_month_draws_no_bar_and_keeps_its_figure_in_the_bars_title():
    months = [Month(number) for number in range(1, 13)]
    months[2].received, months[3].received = 20_000, -5_000
    chart = month_chart(months, "Test")
    april = received_bar(chart, 4)
    assert float(april.get("height")) == 0
    assert april.find(f"{SVG}title").text.endswith(": -50 €")
    assert float(received_bar(chart, 3).get("height")) > 0


@pytest.mark.django_db
def test_a_receipt_reversed_the_next_month_keeps_the_chart_valid(organisation, rules, finance_user, today):
    fiscal_year = FiscalYearFactory(year=today.year - 1)
    contribution = ContributionFactory(organisation=organisation, year=fiscal_year.year, amount_due_cents=80_000,
                                       ruleset=rules)
    payment = services.record_contribution_payment(
        contribution_id=contribution.pk, amount_cents=80_000, date=datetime.date(fiscal_year.year, 3, 10),
        reference="VIR-1", idempotency_key="p", by=finance_user)
    services.cancel_contribution_payment(payment_id=payment.pk, date=datetime.date(fiscal_year.year, 4, 2),
                                         reason="doublon", by=finance_user)
    months = year_figures(fiscal_year).months
    assert months[3].received == -80_000
    assert float(received_bar(month_chart(months, "Test"), 4).get("height")) == 0


def axis_labels(chart: str) -> list[str]:
    return [text.text for text in ET.fromstring(chart).iter(f"{SVG}text")][:5]  # noqa: S314 -- our own SVG


@pytest.mark.parametrize("largest, labels", [
    (0, ["0 €", "1 €", "2 €", "3 €", "4 €"]),
    (400_000, ["0 €", "1 k€", "2 k€", "3 k€", "4 k€"]),
    (500_000, ["0 €", "2 k€", "4 k€", "6 k€", "8 k€"]),
    (550_000, ["0 €", "2 k€", "4 k€", "6 k€", "8 k€"]),
    (180_000, ["0 €", "500 €", "1 k€", "1,5 k€", "2 k€"]),
    (300_000_000, ["0 €", "1 M€", "2 M€", "3 M€", "4 M€"]),
])
def test_the_axis_reads_round_distinct_figures(largest, labels):
    months = [Month(number) for number in range(1, 13)]
    months[5].received = largest
    assert axis_labels(month_chart(months, "Test")) == labels
