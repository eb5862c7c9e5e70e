"""Personal data (152-ФЗ): what a member may download about themselves, and erasure on request.

The ledger and the readings belong to the plot, not to the person: erasure keeps them, so the
next owner's cabinet and the partnership's books stay whole.
"""

from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Prefetch

from billing.models import Charge, Meter, Payment, Plot, Reading
from members.models import DebtReminder, PhoneVerification, PlotClaim, Profile, ReadingSubmission, SmsMessage
from members.selectors import confirmed_plot_ids

ERASED_EMAIL_DOMAIN = "deleted.invalid"  # RFC 2606: can never receive mail


def _account(user: AbstractBaseUser) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }


def _profile(user: AbstractBaseUser) -> dict[str, Any] | None:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "owner_name": profile.owner_name,
        "contact_persons": profile.contact_persons,
        "phone": profile.phone,
        "phone_verified_at": profile.phone_verified_at if profile.phone_verified else None,
        "sms_consent": profile.sms_consent,
        "debt_email_consent": profile.debt_email_consent,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


def _plots(plot_ids: list[int]) -> list[dict[str, Any]]:
    """The confirmed plots with their charges, payments, meters and readings: five queries."""
    plots = (
        Plot.objects.filter(pk__in=plot_ids)
        .order_by("number")
        .prefetch_related(
            Prefetch("charges", queryset=Charge.objects.select_related("article").order_by("accrued_on", "pk")),
            Prefetch("payments", queryset=Payment.objects.select_related("article").order_by("paid_on", "pk")),
            Prefetch(
                "meters",
                queryset=Meter.objects.order_by("installed_on", "pk").prefetch_related(
                    Prefetch("readings", queryset=Reading.objects.order_by("taken_on"))
                ),
            ),
        )
    )
    return [
        {
            "number": plot.number,
            "street": plot.street,
            "area": plot.area,
            "electrified": plot.electrified,
            "has_new_meter": plot.has_new_meter,
            "charges": [
                {"article": c.article.name, "amount": c.amount, "accrued_on": c.accrued_on} for c in plot.charges.all()
            ],
            "payments": [
                {"article": p.article.name, "amount": p.amount, "paid_on": p.paid_on, "document": p.document}
                for p in plot.payments.all()
            ],
            "meters": [
                {
                    "kind": meter.kind,
                    "serial": meter.serial,
                    "installed_on": meter.installed_on,
                    "removed_on": meter.removed_on,
                    "readings": [
                        {"taken_on": r.taken_on, "day": r.day, "night": r.night} for r in meter.readings.all()
                    ],
                }
                for meter in plot.meters.all()
            ],
        }
        for plot in plots
    ]


def _reading_submissions(user: AbstractBaseUser) -> list[dict[str, Any]]:
    rows = ReadingSubmission.objects.filter(submitted_by=user).select_related("meter__plot").order_by("submitted_at")
    return [
        {
            "plot": row.meter.plot.number,
            "meter": row.meter.serial,
            "period": row.period,
            "day": row.day,
            "night": row.night,
            "photo": bool(row.photo),
            "submitted_at": row.submitted_at,
            "status": row.status,
            "reason": row.reason,
        }
        for row in rows
    ]


def _debt_reminders(user: AbstractBaseUser) -> list[dict[str, Any]]:
    rows = DebtReminder.objects.filter(user=user).select_related("round", "plot").order_by("round__on", "pk")
    return [
        {
            "on": row.round.on,
            "plot": row.plot.number,
            "channel": row.channel,
            "amount": row.amount,
            "status": row.status,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


def _sections() -> list:
    """Other apps' parts of the export and the erasure (settings.PERSONAL_DATA_SECTIONS: modules with
    `export(user) -> dict` and `erase(user)`), so members need not import them (meetings imports members)."""
    return [import_module(path) for path in getattr(settings, "PERSONAL_DATA_SECTIONS", ())]


def member_data_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """Everything stored about the member, and the ledger of the plots they hold a confirmed
    claim on. Values are Decimal/date/datetime: serialise with DjangoJSONEncoder."""
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    claims = PlotClaim.objects.filter(user=user).select_related("plot").order_by("plot__number")
    sms = SmsMessage.objects.filter(user=user).select_related("plot").order_by("period", "plot__number")
    return {
        "account": _account(user),
        "email_addresses": [{"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails],
        "profile": _profile(user),
        "plot_claims": [
            {
                "plot": c.plot.number,
                "status": c.status,
                "comment": c.comment,
                "created_at": c.created_at,
                "decided_at": c.decided_at,
            }
            for c in claims
        ],
        "sms_messages": [
            {
                "period": m.period,
                "plot": m.plot.number,
                "phone": m.phone,
                "text": m.text,
                "status": m.status,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
                "delivered_at": m.delivered_at,
            }
            for m in sms
        ],
        "plots": _plots(confirmed_plot_ids(user=user)),
        "reading_submissions": _reading_submissions(user),
        "debt_reminders": _debt_reminders(user),
    } | {key: value for section in _sections() for key, value in section.export(user).items()}


@transaction.atomic
def member_data_erase(*, user: AbstractBaseUser) -> None:
    """Deactivate the account and strip what identifies the person; the plots' charges,
    payments and readings stay. The new unusable password changes the session hash, so every
    session of the account ends, whatever the session backend."""
    placeholder = f"deleted-{user.pk}"
    user.username = placeholder  # frees the plot number for its next owner's signup
    user.email = f"{placeholder}@{ERASED_EMAIL_DOMAIN}"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    Profile.objects.filter(user=user).update(
        owner_name="", contact_persons="", phone="", verified_phone="", phone_verified_at=None, sms_consent=False
    )
    PhoneVerification.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    PlotClaim.objects.filter(user=user).delete()
    SmsMessage.objects.filter(user=user).delete()
    for section in _sections():
        section.erase(user)
