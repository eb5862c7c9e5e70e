"""Reminders to debtors, the plan: who is reminded of which debt, by which channel and with which
text, on a date. Planning writes nothing (the treasurer's preview); `members.reminders.service`
starts and sends the round the treasurer confirms. Who gets what: see that module's docstring."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from billing.models import DebtSettings
from billing.models.debts import reminder_text_problem
from billing.services.debts.items import ZERO, PlotDebts
from billing.services.debts.loading import load_debts
from billing.services.debts.policy import DuePolicy
from members.models import PlotClaim, Profile
from members.partnership import partnership_settings
from members.reminders.models import DebtReminder
from members.reminders.text import money
from members.sms.segments import sms_segments

EARLIEST = datetime.date(2000, 1, 1)
SMS, EMAIL = DebtReminder.Channel.SMS, DebtReminder.Channel.EMAIL


def owed(debts: PlotDebts | None, on: datetime.date) -> Decimal:
    """What was overdue on `on` and is still unpaid by every payment known now: a member who paid
    after the date (a bank payment imported later) is not reminded of it."""
    if debts is None:
        return ZERO
    return sum((item.outstanding() for item in debts.items() if on > item.due_on), ZERO)


def check_date(on: datetime.date) -> str | None:
    """A Russian reason the date cannot be a round's date, or None."""
    if on > timezone.localdate():
        return "Дата долга не может быть в будущем: напоминают о том, что уже просрочено."
    if on < EARLIEST:
        return f"Дата долга не может быть раньше {EARLIEST:%d.%m.%Y}."
    return None


@dataclass(frozen=True)
class PlannedReminder:
    plot_id: int
    plot_number: int
    amount: Decimal
    user_id: int
    username: str
    channel: str
    address: str  # the phone or the email, for the preview
    text: str  # the SMS, or the letter's text

    @property
    def segments(self) -> int:
        return sms_segments(self.text) if self.channel == SMS else 0

    @property
    def channel_label(self) -> str:
        return DebtReminder.Channel(self.channel).label


@dataclass
class ReminderPlan:
    on: datetime.date
    threshold: Decimal
    sms_template: str
    email_template: str
    signature: str
    reminders: list[PlannedReminder] = field(default_factory=list)
    debtors: int = 0  # plots with a confirmed claim at or above the threshold
    unreachable: list[tuple[int, Decimal]] = field(default_factory=list)  # debtors nobody can be reminded
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reminders)

    @property
    def sms_count(self) -> int:
        return sum(1 for reminder in self.reminders if reminder.channel == SMS)

    @property
    def email_count(self) -> int:
        return self.count - self.sms_count

    @property
    def longest_sms(self) -> PlannedReminder | None:
        texts = [reminder for reminder in self.reminders if reminder.channel == SMS]
        return max(texts, key=lambda reminder: (reminder.segments, len(reminder.text)), default=None)


def _profile(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def member_phone(user) -> str:
    """The phone, if the member consented and proved it is theirs by a code: a debt is personal
    data, and a typed number may be a stranger's."""
    profile = _profile(user)
    return profile.phone if profile is not None and profile.sms_consent and profile.phone_verified else ""


def member_email(user, addresses: dict[int, str]) -> str:
    profile = _profile(user)
    return addresses.get(user.pk, "") if profile is None or profile.debt_email_consent else ""


def verified_addresses(user_ids: Iterable[int]) -> dict[int, str]:
    """Each member's confirmed address, the primary one first: one query."""
    addresses: dict[int, str] = {}
    verified = EmailAddress.objects.filter(user_id__in=list(user_ids), verified=True).order_by(
        "user_id", "-primary", "pk"
    )
    for user_id, email in verified.values_list("user_id", "email"):
        addresses.setdefault(user_id, email)
    return addresses


CLAIM_FIELDS = (
    "plot__number",
    "user__username",
    "user__profile__phone",
    "user__profile__sms_consent",
    "user__profile__verified_phone",
    "user__profile__debt_email_consent",
)


def _claims() -> list[PlotClaim]:
    """Confirmed claims on active plots of active members, by plot number and member: one query."""
    return list(
        PlotClaim.objects.filter(status=PlotClaim.Status.CONFIRMED, plot__active=True, user__is_active=True)
        .select_related("user__profile", "plot")
        .only(*CLAIM_FIELDS)
        .order_by("plot__number", "user_id")
    )


def reminder_plan(*, on: datetime.date) -> ReminderPlan:
    """Every reminder a round on `on` would send now. Writes nothing; a fixed number of queries
    whatever the number of plots."""
    stored = DebtSettings.current()
    plan = ReminderPlan(
        on=on,
        threshold=stored.reminder_threshold,
        sms_template=stored.reminder_sms_text,
        email_template=stored.reminder_email_text.strip(),
        signature=partnership_settings().short_name,
    )
    problem = check_date(on) or _template_problem(plan.sms_template, plan.email_template)
    if problem:
        plan.errors.append(problem)
        return plan
    claims = _claims()
    addresses = verified_addresses({claim.user_id for claim in claims})
    policy = DuePolicy(**{name: getattr(stored, column) for name, column in DuePolicy.COLUMNS.items()})
    debts = load_debts(plot_ids={claim.plot_id for claim in claims}, policy=policy)
    by_plot: dict[int, list[PlotClaim]] = defaultdict(list)
    for claim in claims:
        by_plot[claim.plot_id].append(claim)
    for plot_claims in by_plot.values():
        amount = owed(debts.get(plot_claims[0].plot_id), on)
        if amount >= plan.threshold:
            _plan_plot(plan, plot_claims, amount, addresses)
    return plan


def _template_problem(*templates: str) -> str | None:
    """A text stored before the settings checked it stops the plan (the texts are checked once
    here, then filled by str.format for each plot)."""
    for template in templates:
        problem = reminder_text_problem(template)
        if problem:
            return f"Текст напоминания не годится: {problem} Исправьте его в «Сроки оплаты и напоминания»."
    return None


def _plan_plot(plan: ReminderPlan, claims: list[PlotClaim], amount: Decimal, addresses: dict[int, str]) -> None:
    """The plot's SMS and letter, each to the first of its members who can get it."""
    plan.debtors += 1
    plot = claims[0].plot
    channels = [SMS, EMAIL] if plan.email_template else [SMS]
    before = len(plan.reminders)
    for channel in channels:
        for claim in claims:
            address = member_phone(claim.user) if channel == SMS else member_email(claim.user, addresses)
            if address:
                template = plan.sms_template if channel == SMS else plan.email_template
                plan.reminders.append(
                    PlannedReminder(
                        plot_id=plot.pk,
                        plot_number=plot.number,
                        amount=amount,
                        user_id=claim.user_id,
                        username=claim.user.get_username(),
                        channel=channel,
                        address=address,
                        text=template.format(name=plan.signature, plot=plot.number, amount=money(amount)),
                    )
                )
                break
    if len(plan.reminders) == before:
        plan.unreachable.append((plot.number, amount))
