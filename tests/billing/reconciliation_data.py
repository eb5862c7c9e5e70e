"""The instruction's plot 269 for the акт сверки, built with factories: «Членские взносы 2022»
7 200,00 charged on 01.01.2022 and paid from the bank (payment order № 41 of 10.06.2022), and the
May 2022 electricity by readings 9012/2901 → 9532/3118 at 6.82 / 2.65 → 4 121,45."""

import datetime
from decimal import Decimal

from billing.models import Article, BankTransaction, ImportBatch
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    ImportBatchFactory,
    MeterFactory,
    PaymentFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
)

D = datetime.date
FEE, POWER = Decimal("7200.00"), Decimal("4121.45")
ACCOUNT = "40703810938000012345"


def bank_payment(plot, article, *, amount: Decimal, day: datetime.date, number: str):
    """A payment posted from an incoming bank document, as the statement import posts it."""
    statement = ImportBatchFactory(kind=ImportBatch.Kind.STATEMENT)
    document = BankTransaction.objects.create(
        batch=statement,
        account=ACCOUNT,
        direction=BankTransaction.Direction.INCOMING,
        kind="Платежное поручение",
        number=number,
        date=day,
        booked_on=day,
        amount=amount,
        payer_account=f"40817810{plot.number:012d}",
        payer_name="Иванов Иван Иванович",
        purpose=f"Членские взносы 2022, уч. {plot.number}",
        status=BankTransaction.Status.POSTED,
    )
    return PaymentFactory(
        plot=plot, article=article, amount=amount, paid_on=day, document=document.reference(), transaction=document
    )


def golden_269(number: int = 269):
    """Plot `number` with the instruction's charge, bank payment and May readings; returns the plot."""
    TariffFactory()
    plot = PlotFactory(number=number, owner_name="Иванов Иван Иванович")
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022, sort_order=10)
    ChargeFactory(plot=plot, article=membership, amount=FEE, accrued_on=D(2022, 1, 1))
    bank_payment(plot, membership, amount=FEE, day=D(2022, 6, 10), number="41")
    meter = MeterFactory(plot=plot)
    ReadingFactory(meter=meter, taken_on=D(2022, 5, 1), day=9012, night=2901)
    ReadingFactory(meter=meter, taken_on=D(2022, 6, 1), day=9532, night=3118)
    return plot
