"""The meetings app's part of «Мои персональные данные» (152-ФЗ): the member's registry entry, their
ownerships, votes, attendance and requests for copies of documents. Erasure unlinks the account from the
registry entry but keeps the entry, its votes and attendance: the registry (217-ФЗ ст. 15) and the
meetings' protocols are records the partnership must keep; only the board edits them."""

from typing import Any

from members.meetings.models import Attendance, DocumentRequest, Person, Vote


def export(user) -> dict[str, Any]:
    person = Person.objects.filter(user=user).prefetch_related("ownerships__plot").first()
    if person is None:
        return {"registry_entry": None, "meeting_votes": [], "meeting_attendance": [], "document_requests": []}
    votes = (
        Vote.objects.filter(person=person)
        .select_related("meeting", "item")
        .order_by("meeting__date", "item__sort_order")
    )
    attendance = Attendance.objects.filter(person=person).select_related("meeting").order_by("meeting__date")
    return {
        "registry_entry": {
            "full_name": person.full_name,
            "postal_address": person.postal_address,
            "email": person.email,
            "phone": person.phone,
            "is_member": person.is_member,
            "member_since": person.member_since,
            "membership_ended_on": person.membership_ended_on,
            "ownerships": [
                {
                    "plot": o.plot.number,
                    "share": f"{o.share_numerator}/{o.share_denominator}",
                    "owned_from": o.owned_from,
                    "owned_to": o.owned_to,
                    "basis": o.basis,
                }
                for o in person.ownerships.all()
            ],
        },
        "meeting_votes": [
            {
                "meeting": str(v.meeting),
                "item": v.item.wording,
                "choice": v.get_choice_display(),
                "source": v.get_source_display(),
                "online_choice": v.get_online_choice_display() if v.online_choice else "",
                "updated_at": v.updated_at,
            }
            for v in votes
        ],
        "meeting_attendance": [
            {"meeting": str(a.meeting), "registered_at": a.registered_at, "representative": a.representative}
            for a in attendance
        ],
        "document_requests": _document_requests(person),
    }


def _document_requests(person: Person) -> list[dict[str, Any]]:
    requests = DocumentRequest.objects.filter(person=person).prefetch_related("files").order_by("received_at")
    return [
        {
            "documents": r.documents,
            "which": r.which,
            "comment": r.comment,
            "received_at": r.received_at,
            "status": r.status,
            "fee": r.fee,
            "answer": r.answer,
            "answered_at": r.answered_at,
            "files": [f.title for f in r.files.all()],
        }
        for r in requests
    ]


def erase(user) -> None:
    Person.objects.filter(user=user).update(user=None)
