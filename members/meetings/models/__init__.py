"""The meetings app's models: the registry (ст. 15) and its rules, and the general meeting (ст. 17)."""

from members.meetings.models.meeting import AgendaItem, Attendance, Material, Meeting, Vote
from members.meetings.models.pages import MeetingsPage
from members.meetings.models.registry import (
    CADASTRAL_ERROR,
    CADASTRAL_RE,
    MeetingRules,
    Ownership,
    Person,
    PersonQuerySet,
    default_owner_topics,
    default_qualified_topics,
    share_overflow_message,
)

__all__ = [
    "CADASTRAL_ERROR",
    "CADASTRAL_RE",
    "AgendaItem",
    "Attendance",
    "Material",
    "Meeting",
    "MeetingRules",
    "MeetingsPage",
    "Ownership",
    "Person",
    "PersonQuerySet",
    "Vote",
    "default_owner_topics",
    "default_qualified_topics",
    "share_overflow_message",
]
