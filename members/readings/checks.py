"""The rules a member's reading must pass. Refused: not ASCII digits, more than 7 digits, below the
meter's last reading, a removed meter, a date before the meter's installation. Asked to confirm: a
consumption above 3× the average of the last 3 periods, or a value that looks like a consumption
typed instead of the meter's figure (below a tenth of the last reading, when that is over 1000)."""

import re
from dataclasses import dataclass, field

from members.readings.selectors import LastReading, MeterState
from members.readings.window import Window

MAX_DIGITS = 7
DIGITS = re.compile(r"[0-9]+", re.ASCII)  # «１２３» or «١٢٣» are digits to str.isdigit(), not here
JUMP_FACTOR = 3
CONSUMPTION_SHARE = 10  # below a tenth of the last reading…
CONSUMPTION_FLOOR = 1000  # …when the last reading is above this: «looks like consumption»
ZONE_NAMES = {"day": "день (T1)", "night": "ночь (T2)", "value": "показание"}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize() would turn «T1» into «t1»


def parse_value(raw: str | None, *, label: str) -> tuple[int | None, str | None]:
    """(value, None) or (None, the Russian reason)."""
    text = (raw or "").strip()
    if not text:
        return None, f"Введите {label}."
    if not DIGITS.fullmatch(text):
        return None, f"{_upper_first(label)}: только цифры 0–9, без букв, пробелов, точек и запятых."
    if len(text) > MAX_DIGITS:
        return None, f"{_upper_first(label)}: не больше {MAX_DIGITS} цифр — столько, сколько на табло счётчика."
    return int(text), None


def looks_like_consumption(value: int, last: int) -> bool:
    return last > CONSUMPTION_FLOOR and value * CONSUMPTION_SHARE < last


@dataclass
class Verdict:
    day: int | None = None
    night: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)  # field name ("day", "night", "value", "") → reasons
    warnings: list[str] = field(default_factory=list)

    def refuse(self, name: str, reason: str) -> None:
        self.errors.setdefault(name, []).append(reason)

    @property
    def total(self) -> int:
        return (self.day or 0) + (self.night or 0)


def check_reading(state: MeterState, window: Window, data: dict[str, str]) -> Verdict:
    """The verdict on `data` (the form's raw strings: day and night, or value for a single-zone meter)."""
    verdict = Verdict()
    meter = state.meter
    if meter.removed_on is not None:
        verdict.refuse("", f"Счётчик снят {meter.removed_on:%d.%m.%Y}: показания по нему не принимаются.")
        return verdict
    if meter.installed_on is not None and meter.installed_on > window.taken_on:
        verdict.refuse(
            "",
            f"Счётчик установлен {meter.installed_on:%d.%m.%Y}, позже даты показаний "
            f"{window.taken_on:%d.%m.%Y}: передайте их в следующем месяце.",
        )
        return verdict
    if not state.editable:
        verdict.refuse("", "Показание за этот месяц уже принято казначеем; изменить его может только правление.")
        return verdict
    names = ("day", "night") if meter.is_two_zone else ("value",)
    values = {}
    for name in names:
        value, reason = parse_value(data.get(name), label=ZONE_NAMES[name])
        if reason:
            verdict.refuse(name, reason)
        values[name] = value
    if verdict.errors:
        return verdict
    verdict.day = values.get("day", values.get("value"))
    verdict.night = values.get("night", 0)
    if state.last is not None:
        _below_last(verdict, state.last, names)
    elif state.previous_meter_last is not None and looks_like_consumption(
        verdict.total, state.previous_meter_last.total
    ):
        verdict.warnings.append(
            f"Показание {verdict.total} намного меньше последнего по прежнему счётчику "
            f"({state.previous_meter_last.total}). Если это новый счётчик и число на табло такое — подтвердите; "
            "если вы ввели расход за месяц, введите число с табло."
        )
    if verdict.errors or state.last is None:
        return verdict
    usage, average = verdict.total - state.last.total, state.average_usage
    if average and usage > JUMP_FACTOR * average:
        verdict.warnings.append(
            f"Расход {usage} кВт·ч — больше чем втрое выше среднего за последние месяцы ({round(average)} кВт·ч). "
            "Проверьте цифры на табло."
        )
    return verdict


def _below_last(verdict: Verdict, last: LastReading, names: tuple[str, ...]) -> None:
    pairs = {
        "day": (verdict.day, last.day),
        "night": (verdict.night, last.night),
        "value": (verdict.total, last.total),
    }
    for name in names:
        value, previous = pairs[name]
        if value < previous:
            reason = (
                f"{_upper_first(ZONE_NAMES[name])} {value} меньше последнего принятого показания {previous} "
                f"от {last.taken_on:%d.%m.%Y}."
            )
            if looks_like_consumption(value, previous):
                reason += " Похоже, это расход за месяц — а нужно число с табло счётчика целиком."
            verdict.refuse(name, reason)
