"""The member instruction's data for plots 269 and 270, built with factories (not the demo):
tariff 5.93 / 6.82 / 2.65 from 01.01.2022, readings on 01.04, 01.05 and 01.06.2022,
«Членские взносы 2022» 7 200,00 per plot from a charges file as of 26.04.2022."""

import datetime
from decimal import Decimal

from billing.models import Article, ImportBatch, Meter
from members.models import PlotClaim
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    ImportBatchFactory,
    MeterFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
)

APRIL, MAY, JUNE = datetime.date(2022, 4, 1), datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)
READINGS = {
    269: {APRIL: (9012, 2901), MAY: (9012, 2901), JUNE: (9532, 3118)},
    270: {APRIL: (344, 244), MAY: (344, 244), JUNE: (346, 244)},
}

# «Статус моих оплат от 26 апреля 2022», one table per plot, as the instruction prints it
PAYMENT_HEADER = [
    "№ участка",
    "Улица",
    "Электрификация",
    "Новый счетчик",
    "Площадь участка",
    "Сумма к оплате",
    "Предоплата/аванс члена",
]


def seed_payment_rows(number: int) -> list[list[str]]:
    return [
        PAYMENT_HEADER,
        [str(number), *PAYMENT_HEADER[1:]],
        ["Общая информация", "5", "Да", "Да", "7.2", "7 200,00", "0,00"],
        ["Членские взносы 2022", "", "", "", "", "7 200,00", "0,00"],
    ]


# «Мое электричество»: the instruction's body rows; its costs «3546.4» and «0» are printed
# with two decimals on the site (4370.41 → 3546.40, 0 → 0.00)
ELECTRICITY_HEADER = [
    "№ участка",
    "Показания на начало периода",
    "Показания на конец периода",
    "Расход",
    "К оплате (однотарифный учет), руб.",
    "К оплате (двухтарифный учет), руб.",
    "День, кВт*ч",
    "Ночь, кВт*ч",
    "Сумма, кВт*ч",
    "День, кВт*ч",
    "Ночь, кВт*ч",
    "Сумма, кВт*ч",
    "День, кВт*ч",
    "Ночь, кВт*ч",
    "Всего, кВт*ч",
    "День",
    "Ночь",
    "Всего",
]
SEED_ELECTRICITY_TEXT = """\
01 Мая 2022 года - 01 Июня 2022 года
269\t9012\t2901\t11913\t9532\t3118\t12650\t520\t217\t737\t4370.41\t3546.4\t575.05\t4121.45
270\t344\t244\t588\t346\t244\t590\t2\t0\t2\t11.86\t13.64\t0\t13.64
01 Апреля 2022 года - 01 Мая 2022 года
269\t9012\t2901\t11913\t9012\t2901\t11913\t0\t0\t0\t0\t0\t0\t0
270\t344\t244\t588\t344\t244\t588\t0\t0\t0\t0\t0\t0\t0
"""
SEED_ELECTRICITY_ROWS = [line.split("\t") for line in SEED_ELECTRICITY_TEXT.splitlines()]


def two_decimals(row: list[str]) -> list[str]:
    """The seed row with its four cost cells written as the site writes them."""
    if len(row) == 1:
        return row
    return row[:10] + [f"{Decimal(cell):.2f}" for cell in row[10:]]


def seed_tariff():
    return TariffFactory(
        valid_from=datetime.date(2022, 1, 1),
        single_rate=Decimal("5.93"),
        day_rate=Decimal("6.82"),
        night_rate=Decimal("2.65"),
    )


def seed_plot(number: int, **fields):
    """A plot of the instruction: street 5, electrified, new two-zone meter, 7.2 сотки, its readings."""
    plot = PlotFactory(number=number, street="5", area=Decimal("7.20"), **fields)
    meter = MeterFactory(plot=plot, kind=Meter.Kind.TWO_ZONE)
    for taken_on, (day, night) in READINGS.get(number, {}).items():
        ReadingFactory(meter=meter, taken_on=taken_on, day=day, night=night)
    return plot


def seed_membership(plots, *, as_of=datetime.date(2022, 4, 26)):
    batch = ImportBatchFactory(kind=ImportBatch.Kind.CHARGES, as_of=as_of)
    article = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    for plot in plots:
        ChargeFactory(plot=plot, article=article, amount=Decimal("7200.00"), batch=batch)
    return article


def confirm(user, *plots, status=PlotClaim.Status.CONFIRMED):
    for plot in plots:
        PlotClaim.objects.update_or_create(user=user, plot=plot, defaults={"status": status})


def build_seed(user):
    """Plots 269 and 270 with the instruction's data, both confirmed for `user`."""
    seed_tariff()
    plots = [seed_plot(269), seed_plot(270)]
    seed_membership(plots)
    confirm(user, *plots)
    return plots
