"""What a bank document says in words: the plots and the article its purpose names, the payer's name.

Pure text rules, no database: the statement importer calls them for every incoming document.
Numbers that cannot be a plot (dates, years, amounts, phones, document numbers, addresses,
cadastral numbers) are masked first; a plot is then a number beside a plot word («уч», «участок»,
«л/с», «лицевой счет», «№»). A number nobody can read for sure is left out: a missed plot goes to
the treasurer's queue, a wrong one would post money to a neighbour."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

ArticleKind = Literal["membership", "target", "electricity", "penalty"]

# What a masked number becomes: no digit, no letter, so a list of plots stops at it.
_GAP = " ¤ "

# Dashes, spaces and number signs as they come from banks' templates, made plain.
_PLAIN = str.maketrans(
    {"–": "-", "—": "-", "−": "-", "‑": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "ё": "е", "#": "№"}
)
# The Latin number sign: «N 269», «No.269».
_LATIN_NUMBER_SIGN = re.compile(r"(?<![a-zа-я])no?\.?\s*(?=\d)")
# A personal account is the plot in partnerships' bank templates: «лицевой счет: 269» (Сбербанк),
# «л/с 270», «л/сч», «л.с.», «лиц. сч.», «ЛС 12». Rewritten to «уч» before «счет» is masked as a document.
_ACCOUNT_WORDS = re.compile(
    r"(?<![а-я])(?:лицев[а-я]*\s*(?:сч[а-я]*)?|лиц\.?\s*сч[а-я]*|л\s*/\s*сч?[а-я]*|л\.\s*с\.|лс)(?![а-я])\.?"
)
# A month and year, «за 05.2022»: the period paid for, so its year counts (a whole date's never does).
_MONTH_YEAR = re.compile(r"(?<![\d.,/])(?:0?[1-9]|1[0-2])\s*[./]\s*(20\d{2})(?!\d)")

# A day of a month in words, «12 мая 2023»: a date; «май 2023» alone is the period paid for.
_MONTHS_OF = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
# Words that start a document, a register or a card number: «договор №12345», «счет № 15»,
# «квитанция №7», «п/п 12», «счетчик 1234», «ИНН 7707083893», «протокол №3», «дело №2-123/22».
_DOC_WORDS = (
    r"договор|дог|контракт|сч|с/ф|квит|кв-ци|п/п|пп|плат|поручен|заказ|чек|док|акт|накладн|заяв|протокол"
    r"|решени|извещ|требован|ордер|перевод|операц|транзакц|дело|исп|карт|прибор|пу|инн|кпп|бик|огрн|снилс"
    r"|паспорт|р/с|к/с|кад|рег|код|пин|ид|id|реестр|ведомост|учет"
)
# Words before a house, a flat, a line or a settlement's own number: «д. 5», «кв. 3», «линия 5», «СНТ №5».
_ADDRESS_NUMBERED = (
    r"д|дом|кв|квартира|корп|корпус|к|стр|строение|лит|литера|линия|лин|кв-л|квартал|массив|сектор|очередь"
    r"|оч|пос|поселок|снт|днт|днп|тсн|сдт|сот|нст|пк|гск|садоводство|товарищество"
)
# Words before a name and then a number: «ул. Садовая 12», «ул. 8 Марта», «СНТ Ромашка-2», «г. Москва».
_ADDRESS_NAMED = (
    r"проезд|пр-д|пер|переулок|ул|улица|пр|пр-т|проспект|просп|ш|шоссе|аллея|ал|бульвар|б-р|мкр|микрорайон"
    r"|тупик|туп|пл|площадь|наб|набережная|просек|обл|область|р-н|район|г|город|п|с|село|дер|деревня"
    r"|снт|днт|днп|тсн|сдт|нст|сад"
)
# A plot word: «уч», «уч.», «участок», «участки», typos «учсток», «учаток», «уч-к», «уч-ок», «уч.-к»,
# «у-к», «з/у»; not «учет», «учреждение», «участие» and the like.
_PLOT_WORD = (
    r"(?:уч(?!ет|ред|еб|ит|ен|т|аст(?:ие|ия|ии|ник))[а-я]*(?:\s*[-.]{1,2}\s*(?:ок|к)(?![а-я]))?"
    r"|у\s*-\s*к[а-я]*|з/у|uch[a-z]*)"
)
# A word between a document's word and its «№»: anything but a plot word.
_DOC_BETWEEN = rf"(?!{_PLOT_WORD})[а-яa-z][а-яa-z-]*\.?"
# A word of a street's or a town's name: not a plot word, nor the words of a payment.
_NAME_BETWEEN = rf"(?!{_PLOT_WORD}|за(?![а-я])|от(?![а-я])|член|чл|цел|взнос|эл|э/|пен|оплат)[а-яa-z][а-яa-z-]*\.?"

# The masks, in order: each replaces what it finds with _GAP. Dates before amounts (01.05 is not
# 1,05 rubles), documents before addresses («кв-ция» is not «кв.»).
_MASKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        # Cadastral number 50:20:0010203:269.
        ("cadastral", r"\d+(?:\s*:\s*\d+){2,}"),
        # Phones: +7 903 122-11-05, 8(903)1221105, 89031221105, 903 122 11 05, тел. 122-11-05.
        ("phone", r"(?:\+\s*7|(?<!\d)8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"),
        ("phone", r"(?<!\d)9\d{2}[\s-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"),
        ("phone", r"(?<![а-я])(?:тел|т|моб|сот)[а-я]*\.?\s*:?\s*[\d\s()+-]{5,}\d"),
        # Dates: 01.05.2022, 1/5/22, 2022-05-01, 12 мая 2022, what is left of a month: 05.22.
        ("date", r"(?<!\d)\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{2,4}(?!\d)"),
        ("date", r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"),
        ("date", rf"(?<!\d)\d{{1,2}}\s*(?:{_MONTHS_OF})(?![а-я])(?:\s*\d{{4}})?"),
        # A quarter or a half-year, «за 2 кв 2023», «1 полугодие»: not a flat, and its year still counts.
        ("quarter", r"(?<!\d)[1-4]\s*-?\s*(?:й|ый|ой|е|ое)?\s*(?:кв(?:артал[а-я]*)?|пол(?:угоди[а-я]*)?)(?![а-я])\.?"),
        # Years: «за 2022 г», «2022г.», «2021-2022 гг», «2022 года».
        ("year", r"(?<!\d)(?:19|20)\d{2}\s*(?:-\s*(?:19|20)?\d{2}\s*)?(?:гг?(?![а-я])\.?|год[а-я]*)"),
        # Amounts: 5 000,00; 1234.56; 1500 руб; 1500р.; 300 коп; 2 тыс; «сумма 5000».
        ("amount", r"(?<![\d.,])\d+(?:[\s']\d{3})*[.,]\d{1,2}(?!\d)"),
        (
            "amount",
            r"(?<![\d.,])\d+(?:[\s']\d{3})*\s*(?:р(?![а-я])\.?|руб[а-я]*\.?|₽|rub|rur|коп[а-я]*|тыс[а-я]*|т\.\s*р)",
        ),
        ("amount", r"(?<![а-я])сумм[а-я]*\s*:?\s*\d[\d\s]*"),
        # Document numbers, straight after the word or after a few words and «№»; «от <date>» may sit between.
        (
            "document",
            rf"(?<![а-яa-z\d/-])(?:{_DOC_WORDS})[а-яa-z-]*\.?(?:(?:\s+{_DOC_BETWEEN}){{1,3}}\s*№|\s*(?:от\s*¤\s*)?№?)"
            r"\s*(?:от\s*¤\s*)?[а-яa-z]{0,3}[-/]?\d[\w/-]*",
        ),
        ("document", r"№\s*\d+\s*от\s*¤"),
        # Addresses: «д. 5», «ул. Садовая, 12», «кв 3», «линия 5», «снт ромашка-2», then «5-я линия»; a year
        # is never a house («СНТ 2023»), nor a number a plot word follows («2 линия 68 уч»).
        (
            "address",
            rf"(?<![а-яa-z\d/-])(?:(?:{_ADDRESS_NAMED})(?![а-яa-z])\.?(?:\s*,?\s*{_NAME_BETWEEN}){{1,2}}?"
            rf"|(?:{_ADDRESS_NUMBERED})(?![а-яa-z])\.?)\s*,?\s*№?\s*(?!20[1-3]\d(?!\d))\d+(?!\d)"
            rf"(?!\s*-?\s*{_PLOT_WORD})(?:\s*/\s*\d+)?",
        ),
        (
            "line",
            r"(?<!\d)\d+\s*-?\s*(?:[яйе]|ая|ой|ий|ья)?\s*(?:линия|лин|улица|ул|проезд|аллея|просек|квартал|очередь"
            r"|сектор|массив)(?![а-я])\.?",
        ),
    )
)

# Text that ends with a plot word: the number after it is the plot's, whatever follows.
_ENDS_WITH_PLOT_WORD = re.compile(rf"(?<![а-яa-z]){_PLOT_WORD}\.?[\s.:,-]*(?:номер\s*|№\s*)?$")
# A plot number: up to four digits (after zeros: «000034»), not the start of a decimal, a date, a
# fraction («12/1») or a lettered plot («12а», which is not plot 12), and not followed by a unit
# (руб, г, квт, соток, %).
_NUMBER = (
    r"0*\d{1,4}(?!\d|[.,]\d{1,2}(?!\d)|[./:-]\d|-?[а-яa-z](?![а-яa-z]|\s*\d)"
    r"|\s*(?:г(?![а-я])(?!\.?\s*[а-я]{4})|год|р(?![а-я])|руб|₽|коп|квт|кв(?![а-я])|тыс|%|шт|сот|м2|м(?![а-я])|га(?![а-я])))"
)
# Between plots of one list: «269, 270», «269 и 270», «269+270», «269 и уч. 270», «№269,№270»;
# a year after a comma ends the list («уч 56, 2023»).
_SEPARATOR = rf"\s*(?:,|\+|&|(?<![а-я])и(?![а-я]))\s*(?:{_PLOT_WORD}\.?\s*)?(?:№\s*)?(?!20[1-3]\d(?!\d))"
# How many plots, not which: «за 2 участка», «3 участков», «2 уч. по 6 соток» (see _PLOTS).
_COUNT_WORD = r"участк(?:а|ов|и|ам)(?![а-я])"
# A plot word (or a lone «№») followed by a list of plots; or a number followed by a plot word that
# has no number of its own after it («269 уч», «269уч.»). «уч» glued to the word before counts
# only with its number glued after it («ВЗНОСОВУЧ46»).
_PLOTS = re.compile(
    rf"(?:(?:(?<![а-яa-z]){_PLOT_WORD}|(?<=[а-я])уч(?=[.№]?\d))\.?[\s.:,-]*(?:номер\s*|№[\s.:]*)?|(?P<sign>№)[\s.:]*)"
    rf"(?P<list>{_NUMBER}(?:{_SEPARATOR}{_NUMBER})*)"
    rf"|(?<![\d.,/:-])(?P<before>\d{{1,4}})\s*-?\s*(?<![а-яa-z])(?!{_COUNT_WORD}){_PLOT_WORD}(?![а-я])\.?"
    r"(?![\s.:,-]*(?:№\s*)?\d)(?!\.?\s*по(?![а-я]))"
)
# A lone «№» is a plot only at the start, after punctuation or after the words of a payment
# («взносы №199», «оплата № 5»): after any other word («претензии №12», «приказу № 5») it is a document's.
_SIGN_MAY_FOLLOW = re.compile(
    r"(?:^|[;:,.()\"«»/-]|(?<![а-я])(?:(?:оплат|взнос|членск|целев|электр|энерг)[а-я]*|чл|вз|цел|цв|эл|эн|ээ|э/э"
    r"|свет|пени|пеня|за|по)\.?)\s*$"
)

# Article words. Electricity is what a plot used, not the partnership's grid (a target project):
# «электрификация», «электросети», «электрохозяйство» are not it, nor the towns Электросталь,
# Электроугли, Электрогорск, nor «электронная почта», nor a partnership called «Энергия».
_KINDS: tuple[tuple[ArticleKind, str, re.Pattern[str]], ...] = tuple(
    (kind, label, re.compile(pattern))
    for kind, label, pattern in (
        # Long stems are found glued to other words («ОПЛАТАЧЛВЗНОСОВ»); short ones only on their own.
        ("membership", "членский взнос", r"членск|член[а-я]*\.?\s*вз|чл\.?\s*[-/]?\s*вз|(?<![а-я])(?:чл|чв)(?![а-я])"),
        ("target", "целевой взнос", r"целев|цел\.?\s*[-/]?\s*вз|(?<![а-я])(?:цв|цел)(?![а-я])"),
        (
            "electricity",
            "электроэнергия",
            r"электр(?!осталь|оугл|огорск|озавод|он|ифик|осет|охоз|олин|ооборуд|ощит|опрово|ик)"
            r"|эл\.?\s*[-/]?\s*эн|э\s*/\s*э|квт|(?<![а-я])(?:ээ|эл-?во|свет)(?![а-я])",
        ),
        ("penalty", "пени", r"(?<![а-я])(?:пенн?[иья]|пеней|неустойк[а-я]*)(?![а-я])"),
    )
)
_YEARS = (
    # 2010-2039 as a number of its own (amounts and dates are masked by then).
    re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)"),
    # «за 22 г.», «22г», «22 год»: two digits with the word for a year; not «22 г.р.», a year of birth.
    re.compile(r"(?<![\d.,])([1-3]\d)\s*(?:г(?![а-я])(?!\.?\s*р(?![а-я]))|год)"),
)


@dataclass(frozen=True)
class ArticleHint:
    """The article a purpose names: kind None when none or two are named; why is shown to the treasurer."""

    kind: ArticleKind | None
    year: int | None
    why: str


@dataclass(frozen=True)
class PlotMatch:
    """Plots of the registry a purpose names; certain when every number it names is such a plot."""

    plots: tuple[int, ...]
    certain: bool
    why: str


# The importer asks for the plots and the article of the same purpose: read it once.
@lru_cache(maxsize=4096)
def _plain(purpose: str) -> str:
    text = purpose.lower().translate(_PLAIN)
    text = _LATIN_NUMBER_SIGN.sub(" № ", text)
    text = _ACCOUNT_WORDS.sub(" уч ", text)
    return _MONTH_YEAR.sub(r" \1 г ", text)


def _gap_unless_plot(found: re.Match[str]) -> str:
    """«5 линия» is a line, but in «уч. 34 ул. 2-я Лесная» the 34 is the plot's."""
    return found[0] if _ENDS_WITH_PLOT_WORD.search(found.string, 0, found.start()) else _GAP


@lru_cache(maxsize=4096)
def _masked(text: str, *, keep_years: bool) -> str:
    for name, pattern in _MASKS:
        if not (keep_years and name == "year"):
            text = pattern.sub(_gap_unless_plot if name == "line" else _GAP, text)
    return text


def plot_numbers(purpose: str) -> list[int]:
    """Every plot number the purpose names, in order, without repeats."""
    numbers: list[int] = []
    text = _masked(_plain(purpose), keep_years=False)
    for found in _PLOTS.finditer(text):
        if found["sign"] and not _SIGN_MAY_FOLLOW.search(text, 0, found.start()):
            continue
        for digits in re.findall(r"\d+", found["list"] or found["before"]):
            number = int(digits)
            if number > 0 and number not in numbers:
                numbers.append(number)
    return numbers


def _years(text: str) -> list[int]:
    """Years the purpose pays for, in order: plot mentions, dates and amounts masked first."""
    text = _PLOTS.sub(_GAP, _masked(text, keep_years=True))
    found = [(m.start(), int(m[1])) for m in _YEARS[0].finditer(text)]
    found += [(m.start(), 2000 + int(m[1])) for m in _YEARS[1].finditer(text)]
    years: list[int] = []
    for _, year in sorted(found):
        if year not in years:
            years.append(year)
    return years


def article_hint(purpose: str) -> ArticleHint:
    """The article kind and year a purpose names; two kinds named leave the choice to the treasurer."""
    text = _plain(purpose)
    named = [(kind, label) for kind, label, pattern in _KINDS if pattern.search(text)]
    years = _years(text)
    year = years[0] if len(years) == 1 else None
    when = f" {year}" if year else ""
    several = f", годы: {', '.join(map(str, years))}" if len(years) > 1 else ""
    if not named:
        return ArticleHint(kind=None, year=year, why=f"в назначении нет статьи{several}")
    if len(named) > 1:
        labels = ", ".join(label for _, label in named)
        return ArticleHint(kind=None, year=year, why=f"в назначении несколько статей ({labels}): разберите вручную")
    kind, label = named[0]
    return ArticleHint(kind=kind, year=year, why=f"{label}{when} в назначении{several}")


def match_plot(purpose: str, known_plots: Collection[int]) -> PlotMatch:
    """The registry's plots the purpose names; a number the registry lacks makes the match uncertain."""
    named = plot_numbers(purpose)
    if not named:
        return PlotMatch(plots=(), certain=False, why="в назначении нет номера участка")
    plots = tuple(number for number in named if number in known_plots)
    missing = [str(number) for number in named if number not in known_plots]
    reasons = []
    if plots:
        reasons.append(f"уч. {', '.join(map(str, plots))} в назначении")
    if missing:
        word = "участка" if len(missing) == 1 else "участков"
        reasons.append(f"{word} {', '.join(missing)} нет в реестре")
    return PlotMatch(plots=plots, certain=bool(plots) and not missing, why="; ".join(reasons))


# Сбербанк Онлайн and other banks send «ПАО СБЕРБАНК//Иванов Иван Иванович//г. Москва…//»: the
# first part names the bank; an organisation comes as «7707083893, ООО Ромашка» or «ИНН … ООО …».
_BANK = re.compile(r"банк|сбер|кредит|bank|отделени|филиал|(?<![а-я])п?ао(?![а-я])", re.IGNORECASE)
_INN = re.compile(r"(?:\(?\s*инн\s*:?\s*)?(?<!\d)\d{10,12}(?!\d)\s*\)?\s*[,;:]?", re.IGNORECASE)
_ACCOUNT_TAIL = re.compile(r"\s*[,;]?\s*(?:р/с|с/ч|счет|сч\.)\s*\d+.*$", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"\d|^(?:г|гор|город|обл|ул|д|рф|россия)(?![а-я])", re.IGNORECASE)


def _tidy(name: str) -> str:
    name = _ACCOUNT_TAIL.sub("", name)
    name = _INN.sub(" ", name)
    return " ".join(name.split()).strip(" ,;")


def payer_name(raw: str) -> str:
    """The person or organisation in a document's «Плательщик», without the bank, INN and address."""
    parts = [part.strip() for part in raw.split("//") if part.strip()]
    if not parts:
        return ""
    if len(parts) > 1 and _BANK.search(parts[0]):
        for part in parts[1:]:
            if not _NOT_A_NAME.search(part):
                return _tidy(part)
    return _tidy(parts[0])


# A bank's own balance accounts (the first five digits of a 20-digit account), never a member's:
# Сбербанк Онлайн and other banks credit transfers from people through them, so a payer account of
# this kind is shared by thousands of payers and must never be learnt. Names from the Bank of
# Russia's chart of accounts for credit institutions (Положение № 809-П, before it № 579-П):
_TRANSIT_BALANCE_ACCOUNTS = frozenset(
    {
        "30102",  # Корреспондентские счета кредитных организаций в Банке России
        "30110",  # Корреспондентские счета в кредитных организациях — корреспондентах
        "30232",  # Незавершенные расчеты с операторами услуг платежной инфраструктуры и операторами
        "30233",  # по переводу денежных средств (пассив / актив): переводы физических лиц
        "30301",  # Расчеты с филиалами, расположенными в Российской Федерации (пассив)
        "30302",  # Расчеты с филиалами, расположенными в Российской Федерации (актив)
        "47416",  # Суммы, поступившие на корреспондентские счета, до выяснения
        "47422",  # Обязательства по прочим операциям
        "47423",  # Требования по прочим операциям
    }
)


def is_transit_account(account: str) -> bool:
    """True for a bank's own balance account (30232…, 30301…, 47422…) that every online payer arrives from."""
    digits = re.sub(r"\D", "", account)
    return len(digits) == 20 and digits[:5] in _TRANSIT_BALANCE_ACCOUNTS
