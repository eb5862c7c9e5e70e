"""Expense categories: guessing one for an outgoing document from its recipient and purpose.

The categories are the treasurer's to edit. Until there are any, the defaults below (what most СНТ
spend on) are used, and the first confirmed statement creates them; they are not written by a
migration, so a freshly migrated database stays empty and a backup can be restored into it.
"""

from billing.models import ExpenseCategory

DEFAULT_CATEGORIES = [
    ("Электроэнергия поставщику", "энергосбыт, электроэнерг, эл.энерг, мосэнерго, россети, э/э"),
    ("Вывоз мусора", "мусор, тко, отход, региональный оператор"),
    ("Налоги и взносы в бюджет", "налог, ифнс, уфк, казначейств, ндфл, страховые взносы"),
    ("Банковское обслуживание", "комисси, обслуживание счет, ведение счет, плата за пакет"),
    ("Зарплата и вознаграждения", "заработн, зарплат, оплата труда, вознагражден"),
    ("Дороги и благоустройство", "щебень, асфальт, грейдир, дорог, песок"),
    ("Охрана", "охран, чоп, видеонаблюд"),
    ("Вода и скважина", "скважин, водоснабж, насос"),
]


class Categories:
    """The categories as the treasurer keeps them (or the defaults), read once per statement."""

    def __init__(self):
        stored = list(ExpenseCategory.objects.all())
        if not stored:
            stored = [ExpenseCategory(name=name, words=words) for name, words in DEFAULT_CATEGORIES]
        self.rows = [(category.name, category.word_list) for category in stored]

    def guess(self, recipient: str, purpose: str) -> str | None:
        """The first category (in the treasurer's order) whose word the recipient or purpose contains."""
        text = f"{recipient} {purpose}".lower().replace("ё", "е")
        return next((name for name, words in self.rows if any(word in text for word in words)), None)

    @staticmethod
    def ids(names: set[str]) -> dict[str, int]:
        """name -> pk for the categories named, creating the defaults on first use."""
        if not ExpenseCategory.objects.exists():
            ExpenseCategory.objects.bulk_create(
                ExpenseCategory(name=name, words=words, sort_order=order)
                for order, (name, words) in enumerate(DEFAULT_CATEGORIES, start=1)
            )
        return dict(ExpenseCategory.objects.filter(name__in=names).values_list("name", "pk"))
