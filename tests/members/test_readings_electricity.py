"""«Мое электричество» marks the sums of a member's own reading «(с)» and of an estimate «(р)», with a legend."""

import datetime

import pytest
from bs4 import BeautifulSoup

from billing.models import Reading
from tests.factories import ReadingFactory, TariffFactory

pytestmark = pytest.mark.django_db
URL = "/cabinet/electricity/"


def end_sums(client) -> list[str]:
    soup = BeautifulSoup(client.get(URL).content, "html.parser")
    return [td.get_text(strip=True) for td in soup.select('td[data-label="Конец, сумма"]')]


def legend(client) -> str:
    soup = BeautifulSoup(client.get(URL + "?legend").content, "html.parser")
    found = soup.select_one("#electricity-legend")
    return found.get_text(" ", strip=True) if found else ""


def test_imported_readings_carry_no_mark_and_no_legend(member_client, meter):
    TariffFactory(valid_from=datetime.date(2020, 1, 1))
    assert end_sums(member_client) == ["1950", "1800", "1650"]
    assert legend(member_client) == ""


def test_member_and_estimated_readings_are_marked(member_client, meter):
    TariffFactory(valid_from=datetime.date(2020, 1, 1))
    ReadingFactory(meter=meter, taken_on=datetime.date(2026, 12, 1), day=1400, night=700, source=Reading.Source.MEMBER)
    ReadingFactory(
        meter=meter, taken_on=datetime.date(2027, 1, 1), day=1500, night=750, source=Reading.Source.ESTIMATE
    )
    assert end_sums(member_client) == ["2250 (р)", "2100 (с)", "1950", "1800", "1650"]
    text = legend(member_client)
    assert "«(с)» после суммы — показание передал садовод" in text
    assert "«(р)» — расчётное показание" in text
    soup = BeautifulSoup(member_client.get(URL + "?again").content, "html.parser")
    starts = [td.get_text(strip=True) for td in soup.select('td[data-label="Начало, сумма"]')]
    assert starts[:2] == ["2100 (с)", "1950"]
