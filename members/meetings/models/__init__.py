"""The meetings app's models: the registry (ст. 15) and its rules, the general meeting (ст. 17) and the
requests for copies of documents (ст. 11)."""

from billing.validators import CADASTRAL_ERROR, CADASTRAL_RE
from members.meetings.models.meeting import AgendaItem, Attendance, Material, Meeting, Vote
from members.meetings.models.notices import MeetingNotice
from members.meetings.models.pages import MeetingsPage
from members.meetings.models.registry import (
    MeetingRules,
    Ownership,
    Person,
    PersonQuerySet,
    default_owner_topics,
    default_qualified_topics,
    share_overflow_message,
)
from members.meetings.models.requests import DocumentRequest, DocumentRequestFile

__all__ = [
    "CADASTRAL_ERROR",
    "CADASTRAL_RE",
    "AgendaItem",
    "Attendance",
    "DocumentRequest",
    "DocumentRequestFile",
    "Material",
    "Meeting",
    "MeetingNotice",
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
