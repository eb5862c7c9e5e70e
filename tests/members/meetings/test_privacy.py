"""«Мои персональные данные» with the meetings app: the export holds the member's own registry entry,
votes and attendance (and nobody else's); erasure unlinks the account but keeps the registry and votes,
which the partnership must keep (217-ФЗ ст. 15, ст. 17 ч. 25)."""

import json

import pytest

from members.meetings import voting
from members.meetings.models import DocumentRequest, Ownership, Person, Vote
from members.models import DebtReminder, ReadingSubmission, ReminderRound
from members.services.privacy import member_data_erase, member_data_export
from tests.factories import MeterFactory, PlotFactory, UserFactory
from tests.members.meetings.world import person, published

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_members_registry_entry_votes_attendance_readings_and_reminders(
    django_assert_max_num_queries,
):
    user, other_user = UserFactory(username="269"), UserFactory(username="270")
    plot = PlotFactory(number=269)
    me = person("Иванов Иван Иванович", user=user, phone="89031221105", postal_address="ул. Садовая, 1")
    Ownership.objects.create(person=me, plot=plot, owned_from=me.member_since, basis="выписка ЕГРН")
    other = person("Петров Пётр Петрович", user=other_user, phone="89995554433")
    meeting = published()
    item = meeting.items.get()
    voting.cast_online(meeting.pk, me.pk, {item.pk: "for"})
    voting.cast_online(meeting.pk, other.pk, {item.pk: "against"})
    voting.register_attendance(meeting.pk, me.pk, None)
    voting.enter_paper(meeting.pk, me.pk, {item.pk: "abstained"}, None)
    meter = MeterFactory(plot=plot, serial="SN-269")
    ReadingSubmission.objects.create(meter=meter, period="2026-11", taken_on="2026-12-01", day=9100, submitted_by=user)
    ReadingSubmission.objects.create(
        meter=MeterFactory(serial="SN-270"), period="2026-11", taken_on="2026-12-01", day=5, submitted_by=other_user
    )
    reminders = ReminderRound.objects.create(key="k", on="2026-11-01", threshold="100.00", sms_text="Долг")
    DebtReminder.objects.create(round=reminders, plot=plot, user=user, channel="sms", amount="4121.45")
    DocumentRequest.objects.create(person=me, requested_by=user, documents=["charter"], which="устав 2019 г.")
    DocumentRequest.objects.create(person=other, requested_by=other_user, documents=["protocols"], which="ЧУЖОЙ")

    with django_assert_max_num_queries(19):
        data = member_data_export(user=user)

    entry = data["registry_entry"]
    assert (entry["full_name"], entry["phone"], entry["postal_address"]) == (
        "Иванов Иван Иванович",
        "89031221105",
        "ул. Садовая, 1",
    )
    assert [(o["plot"], o["share"], o["basis"]) for o in entry["ownerships"]] == [(269, "1/1", "выписка ЕГРН")]
    assert [(v["choice"], v["source"], v["online_choice"]) for v in data["meeting_votes"]] == [
        ("воздержался", "бумажный бюллетень", "за")
    ]
    assert len(data["meeting_attendance"]) == 1
    assert [(r["documents"], r["which"]) for r in data["document_requests"]] == [(["charter"], "устав 2019 г.")]
    assert [(r["meter"], r["day"]) for r in data["reading_submissions"]] == [("SN-269", 9100)]
    assert [(r["plot"], str(r["amount"])) for r in data["debt_reminders"]] == [(269, "4121.45")]
    dumped = json.dumps(data, default=str, ensure_ascii=False)
    assert "Петров" not in dumped and "89995554433" not in dumped and "SN-270" not in dumped and "ЧУЖОЙ" not in dumped


def test_a_member_without_a_registry_entry_exports_empty_meeting_sections():
    data = member_data_export(user=UserFactory())
    assert (data["registry_entry"], data["meeting_votes"], data["meeting_attendance"], data["document_requests"]) == (
        None,
        [],
        [],
        [],
    )


def test_erasure_unlinks_the_registry_entry_and_keeps_it_and_the_votes():
    user = UserFactory()
    me = person("Иванов Иван Иванович", user=user)
    meeting = published()
    voting.cast_online(meeting.pk, me.pk, {meeting.items.get().pk: "for"})
    member_data_erase(user=user)
    me.refresh_from_db()
    assert me.user is None and me.full_name == "Иванов Иван Иванович"
    assert Vote.objects.filter(person=me).count() == 1
    assert Person.objects.count() == 1
