"""The general meeting (217-ФЗ ст. 17): the meeting, its agenda, materials, those present and the votes.

One Vote per (item, person): a person with several plots has one vote (ст. 17 ч. 1, the law counts
people, not plots), and the unique key makes two clicks, two devices or two workers count once. A paper
ballot entered by the secretary replaces the person's online vote on that item and keeps what it
replaced (`online_choice`), so the secretary and the member see it. When the meeting is closed, the
count is written onto the meeting and its items (the protocol's numbers): votes cannot change after
the close, so these fields are the record, not a cache.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from members.meetings import law


class Meeting(ClusterableModel):
    class Kind(models.TextChoices):
        REGULAR = "regular", "очередное"
        EXTRAORDINARY = "extraordinary", "внеочередное"

    class Form(models.TextChoices):
        IN_PERSON = "in_person", "в очной форме"
        ABSENTEE = "absentee", "в заочной форме"
        MIXED = "mixed", "в очно-заочной форме"

    class Initiator(models.TextChoices):
        BOARD = "board", "правление"
        AUDIT = "audit", "ревизионная комиссия"
        MEMBERS = "members", "более 1/5 членов товарищества"
        LOCAL_AUTHORITY = "authority", "орган местного самоуправления"

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        PUBLISHED = "published", "уведомление опубликовано"
        CLOSED = "closed", "итоги подведены"

    title = models.CharField("название", max_length=255, default="Общее собрание членов товарищества")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    form = models.CharField("форма проведения", max_length=16, choices=Form.choices, default=Form.MIXED)
    initiator = models.CharField(
        "по инициативе", max_length=16, choices=Initiator.choices, default=Initiator.BOARD, help_text="ст. 17 ч. 7"
    )
    date = models.DateField("дата собрания", help_text="День очной части или последний день заочного голосования.")
    start_time = models.TimeField("время начала", null=True, blank=True)
    place = models.CharField("место проведения", max_length=255, blank=True)
    voting_starts = models.DateTimeField(
        "приём бюллетеней с", null=True, blank=True, help_text="Для заочной и очно-заочной формы."
    )
    voting_ends = models.DateTimeField(
        "приём бюллетеней до",
        null=True,
        blank=True,
        help_text="До этого момента члены голосуют и меняют голос в «Моих данных».",
    )
    materials_place = models.TextField(
        "где ознакомиться с материалами",
        blank=True,
        help_text="ст. 17 ч. 17: например, «в правлении по субботам с 10 до 14 и на сайте».",
    )
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("уведомление опубликовано", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="опубликовал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("итоги подведены", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подвёл итоги",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The protocol's numbers, written once at the close (ст. 17 ч. 19, 25).
    members_count = models.PositiveIntegerField("членов товарищества на дату собрания", null=True, blank=True)
    members_present = models.PositiveIntegerField("членов приняли участие", null=True, blank=True)
    owners_present = models.PositiveIntegerField("собственников без членства приняли участие", null=True, blank=True)
    quorum = models.BooleanField("кворум", null=True, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "общее собрание"
        verbose_name_plural = "общие собрания"
        ordering = ["-date", "-pk"]
        permissions = [
            ("publish_meeting", "Может публиковать уведомление и подводить итоги собрания"),
            ("enter_ballots", "Может регистрировать присутствующих и вносить бумажные бюллетени"),
            ("view_ballots", "Может видеть, кто как голосовал (секретарь, счётная комиссия)"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()}, {self.date:%d.%m.%Y})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def has_absentee_part(self) -> bool:
        return self.form in (self.Form.ABSENTEE, self.Form.MIXED)

    @property
    def has_in_person_part(self) -> bool:
        return self.form in (self.Form.IN_PERSON, self.Form.MIXED)

    def online_voting_open(self, now: datetime.datetime | None = None) -> bool:
        """Members vote on the site only in an absentee or mixed meeting that is published, inside the
        voting period (ст. 17 ч. 21–24); never after the close."""
        now = now or timezone.now()
        if not self.is_published or not self.has_absentee_part or self.voting_ends is None:
            return False
        if self.voting_starts is not None and now < self.voting_starts:
            return False
        return now < self.voting_ends

    def notice_deadline(self, days: int = law.NOTICE_DAYS) -> datetime.date:
        return law.notice_deadline(self.date, days)

    def materials_deadline(self, days: int = law.MATERIALS_DAYS) -> datetime.date:
        return law.materials_deadline(self.date, days)


class AgendaItem(Orderable):
    """A question on the agenda (ст. 17 ч. 15: the agenda cannot change after the notice).

    `topic` is the item of ст. 17 ч. 1 it falls under; `majority` and `owners_vote` are set from the
    board's «Правила общего собрания» for that topic and may only be stricter than them."""

    meeting = ParentalKey(Meeting, verbose_name="собрание", on_delete=models.CASCADE, related_name="items")
    wording = models.TextField("формулировка вопроса")
    topic = models.CharField("вопрос по ст. 17 ч. 1", max_length=32, choices=law.TOPIC_CHOICES, default="other")
    majority = models.CharField(
        "необходимое большинство", max_length=16, choices=law.Majority.CHOICES, default=law.Majority.SIMPLE
    )
    owners_vote = models.BooleanField(
        "голосуют и собственники без членства", default=False, help_text="ст. 5 ч. 6, ст. 17 ч. 1"
    )
    # The count, written at the close.
    votes_for = models.PositiveIntegerField("за", null=True, blank=True)
    votes_against = models.PositiveIntegerField("против", null=True, blank=True)
    votes_abstained = models.PositiveIntegerField("воздержались", null=True, blank=True)
    present = models.PositiveIntegerField("присутствовали (голосующие по вопросу)", null=True, blank=True)
    passed = models.BooleanField("решение принято", null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = "вопрос повестки"
        verbose_name_plural = "повестка дня"

    def __str__(self):
        return f"{self.number}. {self.wording[:80]}"

    @property
    def number(self) -> int:
        """The item's number on the agenda, 1-based (sort_order is 0-based and may have gaps)."""
        number = getattr(self, "_number", None)
        if number is None:
            number = (self.sort_order or 0) + 1
        return number


class Material(Orderable):
    """A document of the meeting (draft смета, reports, ФЭО…), public on the site (ст. 17 ч. 17)."""

    meeting = ParentalKey(Meeting, verbose_name="собрание", on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("название", max_length=255)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="документ", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("добавлен", default=timezone.now)

    class Meta(Orderable.Meta):
        verbose_name = "материал собрания"
        verbose_name_plural = "материалы собрания"

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """A person registered as present at the in-person part (in person or by a representative)."""

    meeting = models.ForeignKey(Meeting, verbose_name="собрание", on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        "meetings.Person", verbose_name="участник", on_delete=models.PROTECT, related_name="attendance"
    )
    representative = models.CharField(
        "представитель", max_length=255, blank=True, help_text="ФИО и доверенность, если пришёл представитель."
    )
    registered_at = models.DateTimeField("зарегистрирован", default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="зарегистрировал",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "присутствующий"
        verbose_name_plural = "присутствующие"
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_meeting_person_unique")]

    def __str__(self):
        return f"{self.person} — {self.meeting}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", "за"
        AGAINST = "against", "против"
        ABSTAINED = "abstained", "воздержался"

    class Source(models.TextChoices):
        ONLINE = "online", "на сайте"
        PAPER = "paper", "бумажный бюллетень"
        IN_PERSON = "in_person", "на очной части"

    meeting = models.ForeignKey(Meeting, verbose_name="собрание", on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(AgendaItem, verbose_name="вопрос", on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(
        "meetings.Person", verbose_name="голосующий", on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField("голос", max_length=10, choices=Choice.choices)
    source = models.CharField("как подан", max_length=10, choices=Source.choices, default=Source.ONLINE)
    online_choice = models.CharField(
        "голос на сайте, заменённый бумажным", max_length=10, choices=Choice.choices, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("подан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "голос"
        verbose_name_plural = "голоса"
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="vote_item_person_unique"),
            models.CheckConstraint(
                condition=Q(online_choice="") | Q(source="paper"), name="vote_online_choice_only_on_paper"
            ),
        ]
        indexes = [models.Index(fields=["meeting", "person"], name="vote_meeting_person")]

    def __str__(self):
        return f"{self.person}: {self.get_choice_display()} ({self.get_source_display()})"
