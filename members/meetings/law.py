"""The rules of 217-ФЗ «О ведении гражданами садоводства и огородничества…» that decide a general
meeting, in one place, with the article beside each. Pure: no database, no settings.

The lists that decide a count — which agenda topics need 2/3, which ones non-member owners vote on —
are DATA (`TOPICS`) with the defaults below, a reading of the law as amended in 2022–2023. The board
adjusts them in «Правила общего собрания» (meetings.MeetingRules) with a note of the basis, so a
change of the law or a stricter устав is an edit, not a release. The functions take the adjusted
values; they never accept less than the law's minimum.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# ст. 17 ч. 13: the notice of a general meeting goes out «не позднее чем за две недели до дня его проведения».
NOTICE_DAYS = 14
# ст. 17 ч. 17: the draft смета, reports and other materials are available «не менее чем за семь дней».
MATERIALS_DAYS = 7
# ст. 17 ч. 21–24: absentee (заочное) and mixed (очно-заочное) voting on any item if the устав provides it
# (since 2023); the default is «the устав does not say so» — the board ticks it in the settings.
ABSENTEE_DEFAULT = False


class Majority:
    """ст. 17 ч. 2–3: «не менее двух третей голосов от общего числа присутствующих» for the items of
    ч. 2, «простым большинством голосов от общего числа присутствующих» for the rest."""

    SIMPLE = "simple"
    QUALIFIED = "two_thirds"
    CHOICES = ((SIMPLE, "простое большинство"), (QUALIFIED, "не менее 2/3 присутствующих"))


@dataclass(frozen=True)
class Topic:
    """An item of the general meeting's exclusive competence (ст. 17 ч. 1, п. `point`)."""

    code: str
    point: str
    title: str
    qualified: bool  # ч. 2: decided by at least 2/3 of those present
    owners_vote: bool  # ч. 1 (ст. 5 ч. 6): non-member owners vote on it too


# ст. 17 ч. 1. ч. 2 names п. 1–6.1, 10, 17, 21–26 for 2/3; owners without membership vote on
# п. 4–6.1, 21, 22, 24, 26 (ст. 5 ч. 6, ст. 17 ч. 1).
TOPICS: tuple[Topic, ...] = (
    Topic("charter", "1", "Изменение устава", True, False),
    Topic(
        "bodies",
        "2",
        "Избрание органов товарищества и ревизионной комиссии, досрочное прекращение полномочий",
        True,
        False,
    ),
    Topic(
        "pay_terms",
        "3",
        "Условия оплаты труда председателя, членов правления, ревизионной комиссии и работников",
        True,
        False,
    ),
    Topic(
        "public_land",
        "4",
        "Приобретение земельных участков из государственной или муниципальной собственности",
        True,
        True,
    ),
    Topic(
        "common_property",
        "5",
        "Создание или приобретение имущества общего пользования и порядок его использования",
        True,
        True,
    ),
    Topic(
        "property_to_owners",
        "6",
        "Передача имущества общего пользования в общую долевую собственность собственников участков",
        True,
        True,
    ),
    Topic(
        "property_transfer",
        "6.1",
        "Передача имущества общего пользования в государственную или муниципальную собственность",
        True,
        True,
    ),
    Topic("admission", "7", "Приём в члены товарищества и исключение из членов", False, False),
    Topic("bank_accounts", "8", "Открытие и закрытие банковских счетов", False, False),
    Topic("planning", "9", "Одобрение проекта планировки и (или) межевания территории", False, False),
    Topic(
        "plots_distribution",
        "10",
        "Распределение образованных садовых или огородных участков между членами",
        True,
        False,
    ),
    Topic("audit_reports", "11", "Утверждение отчётов ревизионной комиссии (ревизора)", False, False),
    Topic("pay_rules", "12", "Утверждение положения об оплате труда", False, False),
    Topic("associations", "13", "Создание ассоциаций (союзов) товариществ, вступление и выход", False, False),
    Topic("auditor", "14", "Договор с аудиторской организацией или аудитором", False, False),
    Topic(
        "internal_rules",
        "15",
        "Порядок ведения общего собрания, работы правления и ревизионной комиссии",
        False,
        False,
    ),
    Topic(
        "complaints",
        "16",
        "Жалобы на решения и действия членов правления, председателя, ревизионной комиссии",
        False,
        False,
    ),
    Topic("budget", "17", "Утверждение приходно-расходной сметы и решение о её исполнении", True, False),
    Topic("board_reports", "18", "Утверждение отчётов правления и председателя", False, False),
    Topic("appeals_order", "19", "Порядок рассмотрения органами товарищества заявлений членов", False, False),
    Topic("chair_of_meeting", "20", "Избрание председательствующего на общем собрании", False, False),
    Topic(
        "fees",
        "21",
        "Размер и срок внесения взносов, порядок расходования целевых взносов, размер платы собственников",
        True,
        True,
    ),
    Topic("fees_justification", "22", "Финансово-экономическое обоснование (ФЭО) размера взносов и платы", True, True),
    Topic("repairs", "23", "Выполнение работ по ремонту имущества общего пользования", True, False),
    Topic(
        "common_land_use",
        "24",
        "Распоряжение земельными участками общего назначения и имуществом общего пользования",
        True,
        True,
    ),
    Topic("territory_boundaries", "25", "Изменение границ территории садоводства", True, False),
    Topic(
        "other_owners_matters",
        "26",
        "Иные вопросы, затрагивающие права собственников участков без членства",
        True,
        True,
    ),
    Topic("other", "—", "Иной вопрос (не из ч. 1 ст. 17)", False, False),
)
TOPICS_BY_CODE = {topic.code: topic for topic in TOPICS}
TOPIC_CHOICES = tuple(
    (topic.code, f"п. {topic.point}: {topic.title}" if topic.point != "—" else topic.title) for topic in TOPICS
)
QUALIFIED_DEFAULT: tuple[str, ...] = tuple(topic.code for topic in TOPICS if topic.qualified)
OWNERS_VOTE_DEFAULT: tuple[str, ...] = tuple(topic.code for topic in TOPICS if topic.owners_vote)


def majority_for(code: str, qualified_codes=QUALIFIED_DEFAULT) -> str:
    """The majority a topic needs under the (adjusted) list of ч. 2; an unknown code is an «other» item."""
    return Majority.QUALIFIED if code in qualified_codes else Majority.SIMPLE


def owners_vote(code: str, owner_codes=OWNERS_VOTE_DEFAULT) -> bool:
    """Whether non-member owners vote on the topic (ст. 5 ч. 6, ст. 17 ч. 1 п. 4–6.1, 21, 22, 24, 26)."""
    return code in owner_codes


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: нужно целое неотрицательное число, получено {value!r}")
    return value


def quorum_reached(members: int, voted: int) -> bool:
    """ст. 17 ч. 19: the meeting is competent if more than 50 % of the members (or their
    representatives) take part — present in person or voting by ballot. Exactly half is no quorum;
    a partnership with no members has none."""
    members, voted = _count(members, "членов"), _count(voted, "проголосовавших")
    if voted > members:
        raise ValueError("Проголосовавших не может быть больше, чем членов товарищества.")
    return 2 * voted > members


def item_passes(majority: str, for_: int, against: int, abstained: int, present: int) -> bool:
    """Whether an item is adopted. Both majorities count from ALL present (ст. 17 ч. 2–3: «от общего
    числа присутствующих»), so an abstention or a missing vote works as a «против».

    - QUALIFIED (ч. 2, «не менее двух третей»): for ≥ 2/3 of present, i.e. exactly 2/3 passes
      (6 of 9 passes; 60 % fails; 66.67 % — 2 of 3 — passes). Integer arithmetic, no rounding.
    - SIMPLE (ч. 3): for > 1/2 of present; exactly half fails.
    """
    for_, against, abstained, present = (
        _count(for_, "за"),
        _count(against, "против"),
        _count(abstained, "воздержались"),
        _count(present, "присутствующих"),
    )
    if for_ + against + abstained > present:
        raise ValueError("Голосов больше, чем присутствующих.")
    if present == 0:
        return False
    if majority == Majority.QUALIFIED:
        return 3 * for_ >= 2 * present
    if majority == Majority.SIMPLE:
        return 2 * for_ > present
    raise ValueError(f"Неизвестное большинство: {majority!r}")


def _days(days: int, minimum: int) -> int:
    if days < minimum:
        raise ValueError(f"Срок не может быть короче установленного законом: {minimum} дн.")
    return days


def notice_deadline(meeting_date: datetime.date, days: int = NOTICE_DAYS) -> datetime.date:
    """ст. 17 ч. 13: the last day the notice may go out — `days` (at least 14) whole days before the
    meeting. A meeting on 15 June: notice on 1 June is in time (14 days), on 2 June it is late (13)."""
    return meeting_date - datetime.timedelta(days=_days(days, NOTICE_DAYS))


def materials_deadline(meeting_date: datetime.date, days: int = MATERIALS_DAYS) -> datetime.date:
    """ст. 17 ч. 17: the last day the materials may be made public — `days` (at least 7) before the meeting."""
    return meeting_date - datetime.timedelta(days=_days(days, MATERIALS_DAYS))


def notice_in_time(published_on: datetime.date, meeting_date: datetime.date, days: int = NOTICE_DAYS) -> bool:
    return published_on <= notice_deadline(meeting_date, days)


def materials_in_time(published_on: datetime.date, meeting_date: datetime.date, days: int = MATERIALS_DAYS) -> bool:
    return published_on <= materials_deadline(meeting_date, days)


# --- Copies of the partnership's documents (ст. 11 ч. 3–4) -------------------------------------------

# ст. 11 (ред. 2022): the copies are given «в течение тридцати дней» from the member's written request
# (заявление); the deadline counts from the day the request was received. The part of the article that
# sets the term (ч. 3 or ч. 4 in the editions we read) is for the board's lawyer to confirm: one edit here.
DOCUMENTS_ANSWER_DAYS = 30
# ст. 11 ч. 4: «Плата, взимаемая товариществом за предоставление копий документов … не может превышать
# затраты на их изготовление.»
DOCUMENTS_FEE_NOTE = (
    "Плата за копии не может превышать затраты на их изготовление (ч. 4 ст. 11 217-ФЗ); "
    "её размер устанавливает общее собрание."
)


@dataclass(frozen=True)
class DocumentKind:
    """A document of ст. 11 ч. 3 a member may ask a copy of (п. `point`). `ask_which`: the member says
    which one (the protocol of which meeting, the смета of which year)."""

    code: str
    point: str
    title: str
    ask_which: bool = False


DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "charter",
        "1",
        "Устав товарищества с внесёнными в него изменениями, документ, подтверждающий внесение записи в ЕГРЮЛ",
    ),
    DocumentKind("accounts", "2", "Бухгалтерская (финансовая) отчётность товарищества", ask_which=True),
    DocumentKind("budgets", "2", "Приходно-расходные сметы товарищества и отчёты об их исполнении", ask_which=True),
    DocumentKind(
        "audit_reports", "2", "Аудиторские заключения (если проводились аудиторские проверки)", ask_which=True
    ),
    DocumentKind("audit_commission", "3", "Заключения ревизионной комиссии (ревизора) товарищества", ask_which=True),
    DocumentKind("property_titles", "4", "Документы, подтверждающие права товарищества на имущество на его балансе"),
    DocumentKind("founding_protocol", "5", "Протокол собрания об учреждении товарищества"),
    DocumentKind("meeting_protocols", "5", "Протоколы общих собраний членов товарищества", ask_which=True),
    DocumentKind(
        "board_protocols",
        "5",
        "Протоколы заседаний правления и ревизионной комиссии товарищества",
        ask_which=True,
    ),
    DocumentKind("fees_justification", "6", "Финансово-экономическое обоснование размера взносов", ask_which=True),
    DocumentKind(
        "internal",
        "7",
        "Иные внутренние документы товарищества, предусмотренные законом, уставом и решениями общего собрания",
        ask_which=True,
    ),
)
DOCUMENT_KINDS_BY_CODE = {kind.code: kind for kind in DOCUMENT_KINDS}


def documents_due(received: datetime.date, days: int = DOCUMENTS_ANSWER_DAYS) -> datetime.date:
    """ст. 11: the last day to hand over the copies — `days` (30) days after the day the request came.
    A request of 1 March is due on 31 March."""
    return received + datetime.timedelta(days=days)
