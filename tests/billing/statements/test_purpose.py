"""Reading bank purposes: plots, articles and payers in the shapes real members write, never a wrong plot."""

import csv
from pathlib import Path

import pytest

from billing.services.statements.purpose import (
    ArticleHint,
    article_hint,
    is_transit_account,
    match_plot,
    payer_name,
    plot_numbers,
)

PURPOSES = Path(__file__).resolve().parents[2] / "files" / "statements" / "purposes.csv"
REGISTRY = frozenset(range(1, 601))


@pytest.mark.parametrize(
    ("purpose", "plots"),
    [
        ("уч. 269", [269]),
        ("участок №270", [270]),
        ("УЧ-К 100", [100]),
        ("уч269", [269]),
        ("269 уч", [269]),
        ("л/с 270", [270]),
        (
            "ЛИЦЕВОЙ СЧЕТ: 269; ФИО: ИВАНОВ И.И.; АДРЕС: Г. МОСКВА, УЛ. ЛЕНИНА, Д. 5, КВ. 3; НАЗНАЧЕНИЕ: ЧЛ ВЗНОС",
            [269],
        ),
        ("участки 269, 270", [269, 270]),
        ("уч. 269 и 270", [269, 270]),
        ("№ 269", [269]),
        ("учсток 12", [12]),
        ("уч-ок 13", [13]),
        ("уч.№14", [14]),
        ("у-к 15", [15]),
        ("УЧАСТОК201", [201]),
        ("ОПЛАТАЧЛВЗНОСОВУЧ46", [46]),
        ("N 199 членские", [199]),
        ("уч.269,270,271 и уч. 269", [269, 270, 271]),
        ("уч 56, 2023", [56]),
        ("2 линия 68 уч", [68]),
        ("Участок 29 (2 уч. по 6 сот)", [29]),
        ("уч. 34 ул. 2-я Лесная", [34]),
        ("лицевой счет 000034", [34]),
    ],
)
def test_plot_numbers_in_every_shape(purpose, plots):
    assert plot_numbers(purpose) == plots


@pytest.mark.parametrize(
    "purpose",
    [
        "оплата от 01.05.2022",
        "электроэнергия за 05.2022",
        "членские 01/05/22",
        "за 2022 г",
        "2022",
        "5 000,00 руб",
        "1234.56",
        "тел. +7 903 122-11-05",
        "89031221105",
        "ИНН 500100732259",
        "договор №12345",
        "счет № 15",
        "квитанция №7",
        "п/п 12",
        "№ 269 от 01.05.2022",
        "по претензии №12",
        "д. 5",
        "ул. Садовая 12",
        "кв. 3",
        "линия 5",
        "5-я линия",
        "СНТ №5 членские",
        "50:20:0010203:269",
        "участок 6 соток",
        "уч 12а",
        "уч 12/1",
        "прибор учета № 1234",
        "учет электроэнергии № 35",
        "оплата за 2 участка членские",
    ],
)
def test_numbers_that_are_not_plots(purpose):
    assert plot_numbers(purpose) == []


@pytest.mark.parametrize(
    ("purpose", "kind", "year"),
    [
        ("членский взнос 2022 уч 5", "membership", 2022),
        ("ЧЛ.ВЗ. ЗА 22 Г. УЧ 5", "membership", 2022),
        ("ЧВ 2023", "membership", 2023),
        ("целевой взнос на электрификацию", "target", None),
        ("э/э за 05.2023", "electricity", 2023),
        ("эл. энергия 4 кв. 2023", "electricity", 2023),
        ("за свет уч 18", "electricity", None),
        ("показания 3456 кВт", "electricity", None),
        ("пени за 2021", "penalty", 2021),
        ("пеня уч 3", "penalty", None),
        ("г. Электросталь, членские", "membership", None),
        ("Петрова Светлана членский", "membership", None),
        ("членские от 01.05.2022", "membership", None),
        ("членские 2021-2022", "membership", None),
        ("взносы за 2023 год", None, 2023),
        ("уч 21, 22 г.р.", None, None),
        ("Взнос за участок в СНТ 2023", None, 2023),
    ],
)
def test_article_hint_reads_kind_and_year(purpose, kind, year):
    hint = article_hint(purpose)
    assert (hint.kind, hint.year) == (kind, year)


def test_article_hint_explains_itself_in_russian():
    assert article_hint("уч 269 членский взнос 2022") == ArticleHint(
        kind="membership", year=2022, why="членский взнос 2022 в назначении"
    )
    two = article_hint("членский и целевой взнос")
    assert two.kind is None
    assert "членский взнос, целевой взнос" in two.why
    assert article_hint("оплата").why == "в назначении нет статьи"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("ПАО СБЕРБАНК//Иванов Иван Иванович//г. Москва, ул. Ленина, д. 5//", "Иванов Иван Иванович"),
        ("ПАО СБЕРБАНК//ИВАНОВА МАРИЯ ПЕТРОВНА//40817810099910004312//", "ИВАНОВА МАРИЯ ПЕТРОВНА"),
        ("АО «Тинькофф Банк»//Петров П.П.//", "Петров П.П."),
        ("7707083893, ООО Ромашка", "ООО Ромашка"),
        ("ИНН 7707083893 ООО Ромашка", "ООО Ромашка"),
        ("Сидоров Сидор Сидорович", "Сидоров Сидор Сидорович"),
        ("Сидоров Сидор Сидорович р/с 40817810099910004312", "Сидоров Сидор Сидорович"),
        ("", ""),
    ],
)
def test_payer_name_is_the_person(raw, name):
    assert payer_name(raw) == name


@pytest.mark.parametrize(
    ("account", "transit"),
    [
        ("30232810400000000001", True),
        ("30233810400000000001", True),
        ("30301810000006000001", True),
        ("30302810000006000001", True),
        ("47422810600000000001", True),
        ("47423810600000000001", True),
        ("47416810600000000001", True),
        ("30102810400000000225", True),
        ("30110810400000000225", True),
        ("40817810099910004312", False),
        ("40702810438000000001", False),
        ("30232", False),
        ("", False),
    ],
)
def test_transit_accounts_are_the_banks_own(account, transit):
    assert is_transit_account(account) is transit


@pytest.mark.parametrize(
    ("purpose", "plots", "certain", "why"),
    [
        ("уч. 269 членские", (269,), True, "уч. 269 в назначении"),
        ("участки 269, 270", (269, 270), True, "уч. 269, 270 в назначении"),
        ("уч 999", (), False, "участка 999 нет в реестре"),
        ("уч 269 и 999", (269,), False, "уч. 269 в назначении; участка 999 нет в реестре"),
        ("членские взносы", (), False, "в назначении нет номера участка"),
    ],
)
def test_match_plot_checks_the_registry(purpose, plots, certain, why):
    found = match_plot(purpose, REGISTRY)
    assert (found.plots, found.certain, found.why) == (plots, certain, why)


def _labelled() -> list[dict[str, str]]:
    with PURPOSES.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def test_labelled_set_is_large_and_hard():
    rows = _labelled()
    negatives = [row for row in rows if not row["plots"] and any(c.isdigit() for c in row["purpose"])]
    assert len(rows) >= 250
    assert len(negatives) >= 60
    assert sum(len(row["plots"].split()) > 1 for row in rows) >= 20


def test_plots_precision_and_recall_over_the_labelled_set():
    rows = _labelled()
    wrong, single, found = [], 0, 0
    for row in rows:
        labelled = tuple(int(number) for number in row["plots"].split())
        match = match_plot(row["purpose"], REGISTRY)
        if match.certain and match.plots != labelled:
            wrong.append((row["purpose"], labelled, match.plots))
        if len(labelled) == 1 and labelled[0] in REGISTRY:
            single += 1
            found += match.certain and match.plots == labelled
    print(
        f"\nplots: {len(rows)} rows, {len(wrong)} wrong, {found}/{single} single plots certain ({found / single:.1%})"
    )
    assert wrong == []
    assert found >= 0.9 * single


def test_articles_precision_and_recall_over_the_labelled_set():
    rows = _labelled()
    wrong_kinds, wrong_years, labelled, found = [], [], 0, 0
    for row in rows:
        kinds, years = row["kind"].split(), [int(year) for year in row["year"].split()]
        expected_kind = kinds[0] if len(kinds) == 1 else None
        hint = article_hint(row["purpose"])
        if hint.kind is not None and hint.kind != expected_kind:
            wrong_kinds.append((row["purpose"], expected_kind, hint.kind))
        if hint.year is not None and hint.year != (years[0] if len(years) == 1 else None):
            wrong_years.append((row["purpose"], years, hint.year))
        if expected_kind:
            labelled += 1
            found += hint.kind == expected_kind
    print(
        f"\narticles: {len(wrong_kinds)} wrong kinds, {len(wrong_years)} wrong years, {found}/{labelled} kinds found"
    )
    assert wrong_kinds == []
    assert wrong_years == []
    assert found >= 0.9 * labelled
