"""A bank's own XLSX/CSV statement, for banks whose client exports no 1CClientBankExchange: a table
with Russian headers `Дата, Номер, Сумма` (or `Приход`, and `Расход` for what left the account),
`Плательщик, Назначение платежа[, Счёт плательщика, ИНН плательщика, Получатель]`.

It has no account of its own: the documents are taken as the partnership's account's (BANK_ACCOUNTS,
else the account of the statements loaded before). Cells are read by the same RowReader as every
table import, so a bad date or amount gets the same Russian message with its row and column.
"""

from datetime import date

from billing.services.imports.report import ErrorList, RowError
from billing.services.imports.tables import FileRejected, read_table
from billing.services.imports.values import RowReader

from .accounts import partnership_accounts
from .documents import AccountSection, BankDocument, Statement

REQUIRED = ["Дата", "Номер", "Плательщик", "Назначение платежа"]
OPTIONAL = ["Сумма", "Приход", "Расход", "Счёт плательщика", "ИНН плательщика", "Получатель"]
OUTSIDE = "00000000000000000000"  # the counterparty's account, when the table names none


def statement_from_table(*, file_name: str, content: bytes, today: date) -> Statement:
    table = read_table(file_name=file_name, content=content, required=REQUIRED, optional=OPTIONAL)
    if "Сумма" not in table.columns and "Приход" not in table.columns:
        raise FileRejected([RowError(1, None, "Нет столбца «Сумма» или «Приход»: в выписке нужна сумма платежа.")])
    account = _our_account()
    statement = Statement(accounts=[account])
    errors, dates = ErrorList(), {}
    for row, cells in table.rows:
        reader = RowReader(row=row, cells=cells, errors=errors, today=today, dates=dates)
        document = _document(reader, account, table.columns)
        if document is not None and not reader.failed:
            statement.documents.append(document)
    if errors:
        raise FileRejected(errors.with_summary())
    if statement.documents:
        days = [document.date for document in statement.documents]
        statement.start, statement.end = min(days), max(days)
    statement.sections.append(AccountSection(line=0, account=account))  # no balances to check against
    return statement


def _our_account() -> str:
    ours = partnership_accounts()
    if not ours:
        raise FileRejected(
            [
                RowError(
                    None,
                    None,
                    "В таблице банка нет номера нашего счёта: загрузите сначала выписку в формате "
                    "1CClientBankExchange или укажите счёт товарищества в настройке BANK_ACCOUNTS.",
                )
            ]
        )
    return ours[0]


def _document(reader: RowReader, account: str, columns: set[str]) -> BankDocument | None:
    incoming = _amount(reader, "Сумма" if "Сумма" in columns else "Приход")
    outgoing = _amount(reader, "Расход") if "Расход" in columns else None
    if incoming is None and outgoing is None and not reader.failed:
        reader.error("Сумма" if "Сумма" in columns else "Приход", "пустая ячейка, нужна сумма.")
    if incoming and outgoing:
        reader.error("Расход", "в строке и приход, и расход: разнесите их в две строки.")
    day = reader.date("Дата")
    text = {name: reader.text(name, max_length=1000 if name == "Назначение платежа" else 255) for name in columns}
    if reader.failed:
        return None
    counterparty = text.get("Счёт плательщика", "")[:20] or OUTSIDE
    document = BankDocument(
        line=reader.row,
        kind="Строка выписки",
        number=text.get("Номер", ""),
        date=day,
        purpose=text.get("Назначение платежа", ""),
        payer_inn=text.get("ИНН плательщика", ""),
    )
    if incoming:
        document.amount, document.received_on = incoming, day
        document.payer, document.payer_account, document.recipient_account = text["Плательщик"], counterparty, account
    else:
        document.amount, document.written_off_on = outgoing, day
        document.payer_account, document.recipient_account = account, OUTSIDE
        document.recipient = text.get("Получатель", "") or text["Плательщик"]
    return document


def _amount(reader: RowReader, column: str):
    if reader.is_blank(column):
        return None
    amount = reader.money(column)
    if amount == 0:
        return None
    return amount
