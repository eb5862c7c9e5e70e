"""Admin forms of the registry and of «Правила общего собрания»."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from members.meetings import law


class MeetingRulesForm(WagtailAdminModelForm):
    """The topic lists as checkboxes of the law's items (stored as their codes)."""

    qualified_topics = forms.MultipleChoiceField(
        label="Вопросы, решаемые 2/3 голосов присутствующих",
        choices=law.TOPIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="ст. 17 ч. 2 217-ФЗ; остальные вопросы — простым большинством (ч. 3).",
    )
    owner_topics = forms.MultipleChoiceField(
        label="Вопросы, по которым голосуют собственники без членства",
        choices=law.TOPIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="ст. 5 ч. 6 и ст. 17 ч. 1 п. 4–6.1, 21, 22, 24, 26 217-ФЗ.",
    )
