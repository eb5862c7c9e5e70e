from .bank import BankTransaction, BudgetLine, ExpenseCategory, KnownPayer
from .debts import DebtSettings, PenaltyRule
from .imports import ImportBatch, ImportLock
from .ledger import Article, Charge, FeeRate, Payment
from .line import LineBalanceMonth, LineSettings, MainMeter, MainReading
from .pages import FinancePage, LineBalancePage
from .plots import Meter, Plot, Reading
from .tariffs import Tariff

__all__ = [
    "Article",
    "BankTransaction",
    "BudgetLine",
    "ExpenseCategory",
    "KnownPayer",
    "LineBalanceMonth",
    "LineBalancePage",
    "LineSettings",
    "MainMeter",
    "MainReading",
    "Charge",
    "DebtSettings",
    "FeeRate",
    "FinancePage",
    "ImportBatch",
    "ImportLock",
    "Meter",
    "Payment",
    "PenaltyRule",
    "Plot",
    "Reading",
    "Tariff",
]
