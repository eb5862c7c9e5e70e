"""Reading a bank statement in the 1C «Клиент банка» exchange format (1CClientBankExchange 1.03).

Every Russian bank's client exports it: a text file of ``Key=Value`` lines, a header, one
``СекцияРасчСчет … КонецРасчСчет`` per account and period (balances and totals), one
``СекцияДокумент=<kind> … КонецДокумента`` per document, ``КонецФайла`` at the end. Real exports
differ from the standard: other document kinds than «Платежное поручение», empty keys, keys the
version does not list, the payer's INN glued to the name. We read them all and ignore unknown keys.

The reader refuses, with a Russian message naming the line, what would make the statement wrong:
a file that is not a statement, an encoding that does not read, a truncated file, a document left
open, a malformed amount or date. Totals that do not add up are not refused: they become warnings
the treasurer must acknowledge (a bank may total differently), see ``Statement.warnings``.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from billing.services.imports.report import ErrorList, RowError
from billing.services.imports.tables import FileRejected

from .documents import AccountSection, BankDocument, Statement

MAGIC = "1CClientBankExchange"
MAX_STATEMENT_BYTES = 20 * 1024 * 1024  # ≈ 25 000 documents; a month of a large СНТ is a few hundred
MAX_LINE_LENGTH = 2000  # the longest field of the format (the purpose) is 210 characters
MAX_DOCUMENTS = 100_000
MAX_AMOUNT = Decimal("9999999999.99")

# `Кодировка=` names the encoding; the key itself is written in it, so we look for its bytes.
_ENCODINGS = {"windows": "cp1251", "dos": "cp866"}
_AMOUNT = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")  # ASCII digits only: «٤١٢١» is no amount
_DATE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_KNOWN_KEY = re.compile(r"^(?:ВерсияФормата|РасчСчет|СекцияДокумент|СекцияРасчСчет)=?", re.MULTILINE)
_CONTROL = frozenset({"СекцияДокумент", "КонецДокумента", "СекцияРасчСчет", "КонецРасчСчет", "КонецФайла"})
_INN_PREFIX = re.compile(r"^\s*(?:ИНН\s*)?\d{10,12}\s*[,;]?\s+", re.IGNORECASE)


# The keys a document's fields come from; the first non-empty one wins.
_DOCUMENT_TEXT = {
    "number": ("Номер",),
    "payer_account": ("ПлательщикСчет", "ПлательщикРасчСчет"),
    "payer_inn": ("ПлательщикИНН",),
    "recipient_account": ("ПолучательСчет", "ПолучательРасчСчет"),
    "recipient_inn": ("ПолучательИНН",),
}
_DOCUMENT_DATES = {"date": "Дата", "received_on": "ДатаПоступило", "written_off_on": "ДатаСписано"}
_SECTION_MONEY = {
    "opening": "НачальныйОстаток",
    "total_in": "ВсегоПоступило",
    "total_out": "ВсегоСписано",
    "closing": "КонечныйОстаток",
}


def decode_statement(content: bytes) -> str:
    """The text of the file: UTF-8 (with or without BOM) if it reads so, else the encoding its
    `Кодировка=` names (Windows → cp1251, DOS → cp866; cp1251 when absent)."""
    if len(content) > MAX_STATEMENT_BYTES:
        size = len(content) / (1024 * 1024)
        limit = MAX_STATEMENT_BYTES // (1024 * 1024)
        raise _reject(None, f"Файл слишком большой ({size:.1f} МБ); выписка может быть не больше {limit} МБ.")
    if b"\0" in content:
        raise _reject(None, "Файл не является выпиской 1CClientBankExchange: в нём есть двоичные данные.")
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(MAGIC.encode()):
        raise _reject(
            1,
            "Файл не является выпиской в формате 1CClientBankExchange (первая строка должна быть "
            "«1CClientBankExchange»). Выгрузите выписку из банк-клиента «для 1С».",
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = _declared_encoding(content)
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise _reject(line, f"Текст не читается в кодировке {encoding}: выгрузите выписку заново.") from None
    if not _KNOWN_KEY.search(text):  # cp1251 and cp866 read any bytes: a wrong one reads as garbage
        raise _reject(
            2,
            f"Текст не читается в кодировке {encoding} (кодировка указана неверно или в файле смешаны "
            "кодировки): выгрузите выписку заново.",
        )
    return text


def _declared_encoding(content: bytes) -> str:
    for encoding in ("cp1251", "cp866"):
        found = re.search(re.escape("Кодировка=".encode(encoding)) + rb"([A-Za-z]+)", content[:4096])
        if found:
            return _ENCODINGS.get(found.group(1).decode().lower(), "cp1251")
    return "cp1251"


def parse_statement(content: bytes) -> Statement:
    """The statement in the file, or FileRejected with every problem (up to the error cap)."""
    reader = _Reader()
    reader.read(decode_statement(content))
    if not reader.errors:
        reader.check_accounts()
    if reader.errors:
        raise FileRejected(reader.errors.with_summary())
    return reader.statement


class _Reader:
    """A line-by-line state machine: header → sections and documents → КонецФайла."""

    def __init__(self):
        self.statement = Statement()
        self.errors = ErrorList()
        self.document: BankDocument | None = None
        self.fields: dict[str, tuple[int, str]] = {}
        self.section: AccountSection | None = None
        self.ended = False

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(RowError(line, None, message))

    def read(self, text: str) -> None:
        number = 0
        for number, raw in enumerate(text.splitlines(), start=1):
            if self.ended:
                break
            if len(raw) > MAX_LINE_LENGTH:
                self.error(number, f"Строка длиннее {MAX_LINE_LENGTH} знаков: это не выписка банка.")
                return
            key, _, value = raw.partition("=")
            key = key.strip()
            if self.document is not None and key not in _CONTROL:  # most lines: a field of a document
                value = value.strip()
                if value:
                    self.fields[key] = (number, value)
            elif key and number > 1:
                self.take(number, key, value.strip())
        if self.document is not None:
            self.error(self.document.line, "Документ не закрыт строкой «КонецДокумента»: файл обрывается.")
        elif self.section is not None:
            self.error(self.section.line, "Раздел счёта не закрыт строкой «КонецРасчСчет»: файл обрывается.")
        if not self.ended:
            self.error(number, "Файл обрывается: нет строки «КонецФайла». Выгрузите выписку заново целиком.")

    def take(self, number: int, key: str, value: str) -> None:
        if key == "СекцияДокумент":
            self.open_document(number, value)
        elif key == "КонецДокумента":
            self.close_document(number)
        elif key == "СекцияРасчСчет":
            self.open_section(number)
        elif key == "КонецРасчСчет":
            self.close_section(number)
        elif key == "КонецФайла":
            self.end_file(number)
        elif self.section is not None:
            self.section_field(number, key, value)
        else:
            self.header_field(number, key, value)

    def check_accounts(self) -> None:
        """Every document must move money in or out of the statement's account."""
        statement = self.statement
        if not statement.accounts:
            self.error(None, "В выписке не указан расчётный счёт («РасчСчет=»).")
            return
        for document in statement.documents:
            if not (statement.is_incoming(document) or statement.is_outgoing(document)):
                self.error(
                    document.line,
                    f"Документ № {document.number or '—'} не относится к счёту {statement.account}: "
                    "ни плательщик, ни получатель не мы.",
                )

    def header_field(self, number: int, key: str, value: str) -> None:
        if key == "РасчСчет" and value and value not in self.statement.accounts:
            self.statement.accounts.append(value)
        elif key == "ДатаНачала":
            self.statement.start = self.date(number, key, value)
        elif key == "ДатаКонца":
            self.statement.end = self.date(number, key, value)

    def open_section(self, number: int) -> None:
        if self.document is not None or self.section is not None:
            self.error(number, "Новый раздел начат, а предыдущий не закрыт: файл повреждён.")
        self.document = None
        self.section = AccountSection(line=number)

    def section_field(self, number: int, key: str, value: str) -> None:
        section = self.section
        if key == "РасчСчет":
            section.account = value
        elif key in ("ДатаНачала", "ДатаКонца"):
            setattr(section, "start" if key == "ДатаНачала" else "end", self.date(number, key, value))
        else:
            for name, money_key in _SECTION_MONEY.items():
                if key == money_key and value:
                    setattr(section, name, self.amount(number, key, value, negative=True))

    def close_section(self, number: int) -> None:
        if self.section is None:
            self.error(number, "«КонецРасчСчет» без начала раздела «СекцияРасчСчет».")
            return
        if self.section.account and self.section.account not in self.statement.accounts:
            self.statement.accounts.append(self.section.account)
        self.statement.sections.append(self.section)
        self.section = None

    def open_document(self, number: int, kind: str) -> None:
        if self.document is not None:
            self.error(self.document.line, "Документ не закрыт строкой «КонецДокумента» до начала следующего.")
        if len(self.statement.documents) >= MAX_DOCUMENTS:
            self.error(number, f"В выписке больше {MAX_DOCUMENTS} документов: разделите её по периодам.")
            self.ended = True
            return
        self.document = BankDocument(line=number, kind=kind or "Документ")
        self.fields = {}

    def close_document(self, number: int) -> None:
        document = self.document
        if document is None:
            self.error(number, "«КонецДокумента» без начала документа «СекцияДокумент».")
            return
        self.fill(document)
        self.statement.documents.append(document)
        self.document = None

    def end_file(self, number: int) -> None:
        if self.document is not None:
            self.error(self.document.line, "Документ не закрыт строкой «КонецДокумента» до конца файла.")
            self.document = None
        self.ended = True

    def fill(self, document: BankDocument) -> None:
        fields = self.fields
        for name, keys in _DOCUMENT_TEXT.items():
            setattr(document, name, next((fields[key][1] for key in keys if key in fields), ""))
        for name, key in _DOCUMENT_DATES.items():
            if key in fields:
                line, value = fields[key]
                setattr(document, name, self.date(line, key, value))
        if "Сумма" in fields:
            line, value = fields["Сумма"]
            document.amount = self.amount(line, "Сумма", value)
        else:
            self.error(document.line, "В документе нет суммы («Сумма=»).")
        if document.date is None and "Дата" not in fields:
            self.error(document.line, "В документе нет даты («Дата=»).")
        document.payer = _party(fields, "Плательщик")
        document.recipient = _party(fields, "Получатель")
        document.purpose = _purpose(fields)

    def date(self, number: int, key: str, value: str) -> datetime.date | None:
        if not value:
            return None
        if _DATE.fullmatch(value):
            try:
                return datetime.date(int(value[6:]), int(value[3:5]), int(value[:2]))
            except ValueError:
                pass
        self.error(number, f"«{key}»: даты «{value[:40]}» не существует (ожидается ДД.ММ.ГГГГ).")
        return None

    def amount(self, number: int, key: str, value: str, *, negative: bool = False) -> Decimal | None:
        text = value[1:] if negative and value.startswith("-") else value
        if _AMOUNT.fullmatch(text):
            try:
                amount = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only digits and a point
                amount = None
            if amount is not None and amount <= MAX_AMOUNT:
                return -amount if text is not value else amount
        self.error(
            number,
            f"«{key}»: сумма «{value[:40]}» записана неверно (ожидаются цифры и точка, например 4121.45).",
        )
        return None


def _party(fields: dict[str, tuple[int, str]], role: str) -> str:
    """The payer's or recipient's name: `Плательщик1` (the name alone) if given, else `Плательщик`
    without the INN some banks glue in front («7777777777, ООО …», «ИНН 7777777777 ООО …»)."""
    if role + "1" in fields:
        return fields[role + "1"][1]
    name = fields.get(role, (0, ""))[1]
    return _INN_PREFIX.sub("", name, count=1)


def _purpose(fields: dict[str, tuple[int, str]]) -> str:
    """`НазначениеПлатежа` and its continuation lines `НазначениеПлатежа1..6`, glued."""
    parts = [
        fields[key][1]
        for key in ("НазначениеПлатежа", *(f"НазначениеПлатежа{i}" for i in range(1, 7)))
        if key in fields
    ]
    return " ".join(parts)


def _reject(line: int | None, message: str) -> FileRejected:
    return FileRejected([RowError(line, None, message)])
