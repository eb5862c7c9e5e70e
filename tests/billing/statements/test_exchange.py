"""The 1CClientBankExchange reader: what real exports contain, and what it refuses."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billing.services.imports.tables import FileRejected
from billing.services.statements.exchange import MAX_STATEMENT_BYTES, parse_statement

SAMPLE = Path(__file__).resolve().parents[2] / "files" / "statements" / "anikino-2022-05.txt"
ACCOUNT = "40703810938000012345"


def sample_text() -> str:
    return SAMPLE.read_bytes().decode("cp1251")


def refusal(content: bytes) -> list[str]:
    with pytest.raises(FileRejected) as caught:
        parse_statement(content)
    return [str(error) for error in caught.value.errors]


def test_reads_the_sample_statement():
    statement = parse_statement(SAMPLE.read_bytes())
    assert statement.account == ACCOUNT
    assert (statement.start, statement.end) == (date(2022, 5, 1), date(2022, 5, 31))
    assert [d.kind for d in statement.documents] == ["Платежное поручение"] * 3 + ["Банковский ордер"]
    sber, petrova, supplier, fee = statement.documents
    assert sber.amount == Decimal("4121.45") and sber.date == date(2022, 5, 5)
    assert sber.purpose == "ЛИЦЕВОЙ СЧЕТ: 269; ФИО: ИВАНОВ ИВАН ИВАНОВИЧ; НАЗНАЧЕНИЕ: ЭЛЕКТРОЭНЕРГИЯ ЗА АПРЕЛЬ 2022"
    assert sber.payer == "ПАО СБЕРБАНК//Иванов Иван Иванович//г. Москва, ул. Лесная, д. 5//"
    assert sber.written_off_on is None and sber.received_on == date(2022, 5, 5)  # an empty key is no date
    assert sber.recipient == 'СНТ "АНИКИНО"'  # `Получатель1` wins over the INN-prefixed name
    assert petrova.payer_account == "40817810500001234567" and petrova.number == "77"
    assert supplier.recipient == 'АО "МОСЭНЕРГОСБЫТ"'  # «7712345678, …» without the INN
    assert supplier.payer == 'СНТ "АНИКИНО"'
    assert statement.incoming == [sber, petrova]
    assert statement.outgoing == [supplier, fee]
    assert statement.warnings == []


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("cp1251"),
        lambda text: text.replace("Кодировка=Windows", "Кодировка=DOS").encode("cp866"),
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace("\r\n", "\n").encode("cp1251"),
    ],
    ids=["cp1251", "cp866", "utf-8", "utf-8 BOM", "LF"],
)
def test_every_encoding_and_line_ending_reads_the_same(encode):
    statement = parse_statement(encode(sample_text()))
    assert [d.payer for d in statement.incoming][1] == "Петрова Анна Сергеевна"
    assert sum(d.amount for d in statement.incoming) == Decimal("12321.45")


def test_totals_that_do_not_add_up_are_warnings_not_refusals():
    text = sample_text().replace("ВсегоПоступило=12321.45", "ВсегоПоступило=13321.45")
    statement = parse_statement(text.encode("cp1251"))
    assert len(statement.documents) == 4
    assert statement.warnings == [
        "Остатки не сходятся (строка 13): начальный 100000.00 + поступило 13321.45 − списано 3150.00 "
        "≠ конечный 109171.45.",
        "Итог «всего поступило» в выписке 13321.45 ₽, а по документам 12321.45 ₽: файл может быть неполным, "
        "или банк считает итоги иначе.",
    ]


def test_not_a_statement():
    errors = refusal("Участок;Дата;Сумма\n269;01.05.2022;100\n".encode())
    assert errors == [
        "Строка 1: Файл не является выпиской в формате 1CClientBankExchange (первая строка должна быть "
        "«1CClientBankExchange»). Выгрузите выписку из банк-клиента «для 1С»."
    ]
    assert "двоичные данные" in refusal(b"1CClientBankExchange\r\n\0\0")[0]


def test_truncated_file_names_the_open_document():
    text = sample_text()
    cut = text[: text.index("Сумма=150.00")]
    errors = refusal(cut.encode("cp1251"))
    assert errors[0] == "Строка 74: Документ не закрыт строкой «КонецДокумента»: файл обрывается."
    assert "нет строки «КонецФайла»" in errors[1]


def test_a_document_left_open_before_the_next_one():
    text = sample_text().replace(
        "КонецДокумента\r\nСекцияДокумент=Платежное поручение\r\nНомер=77",
        "СекцияДокумент=Платежное поручение\r\nНомер=77",
        1,
    )
    assert refusal(text.encode("cp1251")) == [
        "Строка 22: Документ не закрыт строкой «КонецДокумента» до начала следующего."
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "4121,45",
            "Строка 25: «Сумма»: сумма «4121,45» записана неверно (ожидаются цифры и точка, например 4121.45).",
        ),
        (
            "4121.45р",
            "Строка 25: «Сумма»: сумма «4121.45р» записана неверно (ожидаются цифры и точка, например 4121.45).",
        ),
        ("1e5", "Строка 25: «Сумма»: сумма «1e5» записана неверно (ожидаются цифры и точка, например 4121.45)."),
        ("-5.00", "Строка 25: «Сумма»: сумма «-5.00» записана неверно (ожидаются цифры и точка, например 4121.45)."),
        (
            "٤١٢١.٤٥",
            "Строка 25: «Сумма»: сумма «٤١٢١.٤٥» записана неверно (ожидаются цифры и точка, например 4121.45).",
        ),
    ],
)
def test_malformed_amounts(written, message):
    text = sample_text().replace("Сумма=4121.45", f"Сумма={written}")
    assert refusal(text.encode("utf-8")) == [message]


def test_dates_that_do_not_exist():
    text = (
        sample_text()
        .replace("Дата=05.05.2022", "Дата=31.04.2022")
        .replace("ДатаНачала=01.05.2022", "ДатаНачала=2022-05-01", 1)
    )
    assert refusal(text.encode("cp1251")) == [
        "Строка 8: «ДатаНачала»: даты «2022-05-01» не существует (ожидается ДД.ММ.ГГГГ).",
        "Строка 24: «Дата»: даты «31.04.2022» не существует (ожидается ДД.ММ.ГГГГ).",
    ]


def test_a_statement_of_another_account_names_the_documents_that_are_not_ours():
    text = sample_text().replace("ПолучательСчет=40703810938000012345", "ПолучательСчет=40703810900000099999")
    errors = refusal(text.encode("cp1251"))
    assert errors == [
        "Строка 22: Документ № 512 не относится к счёту 40703810938000012345: ни плательщик, ни получатель не мы.",
        "Строка 46: Документ № 77 не относится к счёту 40703810938000012345: ни плательщик, ни получатель не мы.",
    ]


def test_a_huge_file_is_refused_before_it_is_read():
    content = SAMPLE.read_bytes() + b" " * MAX_STATEMENT_BYTES
    assert refusal(content) == ["Файл слишком большой (20.0 МБ); выписка может быть не больше 20 МБ."]


@pytest.mark.parametrize(
    ("content", "encoding", "line"),
    [
        (sample_text().encode("cp866"), "cp1251", 2),  # says Windows, written in DOS
        (sample_text().encode("utf-8") + "Ё".encode("cp1251"), "cp1251", 28),  # UTF-8 with a cp1251 letter
        (sample_text().encode("cp1251") + b"\x98", "cp1251", 86),  # a byte cp1251 has no letter for
    ],
    ids=["wrong declared", "mixed", "undefined byte"],
)
def test_an_encoding_that_does_not_read(content, encoding, line):
    errors = refusal(content)
    assert len(errors) == 1
    assert errors[0].startswith(f"Строка {line}: Текст не читается в кодировке {encoding}")
