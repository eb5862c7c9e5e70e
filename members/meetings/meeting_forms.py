"""The secretary's meeting form: the agenda's majorities no weaker than «Правила общего собрания», and
after the notice (ст. 17 ч. 13–17) the agenda, the date and the form fixed; materials added until the
materials deadline, never removed."""

from __future__ import annotations

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from members.meetings import law
from members.meetings.models import Meeting, MeetingRules

# What the notice said (ст. 17 ч. 13, 15): these cannot change once it is published.
NOTICE_FIELDS = (
    "title",
    "kind",
    "form",
    "initiator",
    "date",
    "start_time",
    "place",
    "voting_starts",
    "voting_ends",
)
TOPIC_TITLES = dict(law.TOPIC_CHOICES)
AGENDA_FIXED = (
    "Уведомление о собрании опубликовано: повестку дня изменить нельзя — вопросы не добавляются, "
    "не удаляются и не меняются (ст. 17 ч. 15 217-ФЗ). Если нужна другая повестка, созовите новое собрание."
)
MATERIALS_KEPT = "Материалы уже опубликованы в уведомлении: удалить их нельзя."


def _live_forms(formset):
    return [form for form in formset.forms if form.has_changed() or form.instance.pk]


def _deleted(formset, form) -> bool:
    return formset.can_delete and formset._should_delete_form(form)


class MeetingAdminForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        for formset in self.formsets.values():
            formset.full_clean()  # the rows first: the parent form is cleaned before its formsets
        rules = MeetingRules.load()
        self._check_majorities(rules)
        if self.instance.pk and self.instance.status != Meeting.Status.DRAFT:
            self._check_notice_fields()
            self._check_agenda_fixed()
            self._check_materials(rules)
        return cleaned

    def _check_majorities(self, rules: MeetingRules) -> None:
        """Each item's majority at least what the rules demand for its topic, and the owners' vote as
        the rules say (ст. 17 ч. 2–3, ст. 5 ч. 6)."""
        formset = self.formsets.get("items")
        if formset is None:
            return
        for form in _live_forms(formset):
            data = getattr(form, "cleaned_data", None) or {}
            topic = data.get("topic")
            if not topic or _deleted(formset, form):
                continue
            title = TOPIC_TITLES.get(topic, topic)
            if rules.majority_for(topic) == law.Majority.QUALIFIED and data.get("majority") != law.Majority.QUALIFIED:
                form.add_error(
                    "majority",
                    f"Вопрос «{title}» решается не менее чем 2/3 голосов присутствующих (ст. 17 ч. 2 217-ФЗ и "
                    "«Правила общего собрания»): более слабое большинство выбрать нельзя.",
                )
            if "owners_vote" in data and data["owners_vote"] != rules.owners_vote(topic):
                form.add_error("owners_vote", _owners_message(title, rules.owners_vote(topic)))

    def _check_notice_fields(self) -> None:
        for name in NOTICE_FIELDS:
            if name in self.cleaned_data and self.cleaned_data[name] != getattr(self.instance, name):
                label = self.fields[name].label
                self.add_error(
                    name,
                    f"Уведомление о собрании опубликовано: «{label}» изменить нельзя (ст. 17 ч. 13, 15 217-ФЗ). "
                    "Если собрание переносится, созовите новое.",
                )

    def _check_agenda_fixed(self) -> None:
        formset = self.formsets.get("items")
        if formset is None:
            return
        changed = any(form.has_changed() or _deleted(formset, form) for form in formset.forms)
        known = {form.instance.pk for form in formset.forms if form.instance.pk}
        if changed or known != set(self.instance.items.values_list("pk", flat=True)):
            self.add_error(None, AGENDA_FIXED)

    def _check_materials(self, rules: MeetingRules) -> None:
        """New or replaced materials only until the materials deadline (ст. 17 ч. 17); none removed."""
        formset = self.formsets.get("materials")
        if formset is None:
            return
        deadline = self.instance.materials_deadline(rules.materials_days)
        late = timezone.localdate() > deadline
        if any(_deleted(formset, form) and form.instance.pk for form in formset.forms):
            self.add_error(None, MATERIALS_KEPT)
        if late and any(form.has_changed() for form in formset.forms):
            self.add_error(
                None,
                f"Материалы к собранию публикуются не позднее чем за {rules.materials_days} дн. до него "
                f"(ст. 17 ч. 17 217-ФЗ): последний день был {deadline:%d.%m.%Y}. Добавить или заменить "
                "материал теперь нельзя.",
            )


def _owners_message(title: str, owners_vote: bool) -> str:
    if owners_vote:
        return (
            f"По вопросу «{title}» голосуют и собственники участков без членства (ст. 5 ч. 6 217-ФЗ и "
            "«Правила общего собрания»): отметка обязательна."
        )
    return (
        f"По вопросу «{title}» собственники без членства не голосуют (ст. 5 ч. 6 217-ФЗ). Если вопрос "
        "затрагивает их права, выберите «п. 26: Иные вопросы, затрагивающие права собственников…»."
    )
