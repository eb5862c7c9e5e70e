"""Fixtures of the meetings tests (the secretary) and the helper: the «Секретарь правления» account and the
admin form's POST body with the agenda and materials inline."""

import pytest

from tests.factories import UserFactory

SECRETARY_GROUP = "Секретарь правления"


@pytest.fixture
def secretary(db):
    return UserFactory(
        username="sekretar-test", password="secret-123", email="", is_staff=True, groups=[SECRETARY_GROUP]
    )


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def meeting_post(*, items=(), materials=(), existing_items=(), existing_materials=(), **fields) -> dict:
    """The edit form's body: `items` are (wording, topic, majority, owners_vote) of new rows, `existing_*`
    the saved rows to keep as they are (AgendaItem / Material)."""
    data = {
        "title": "Общее собрание членов товарищества",
        "kind": "regular",
        "form": "mixed",
        "initiator": "board",
        "date": "",
        "start_time": "11:00",
        "place": "Правление, ул. Садовая, 1",
        "voting_starts": "",
        "voting_ends": "",
        "materials_place": "В правлении по субботам с 10 до 14",
    }
    data.update(fields)
    rows = [
        {
            "id": item.pk,
            "wording": item.wording,
            "topic": item.topic,
            "majority": item.majority,
            "owners_vote": item.owners_vote,
        }
        for item in existing_items
    ] + [
        {"id": "", "wording": wording, "topic": topic, "majority": majority, "owners_vote": owners}
        for wording, topic, majority, owners in items
    ]
    data |= _formset("items", rows, len(existing_items))
    materials_rows = [{"id": m.pk, "title": m.title, "document": m.document_id} for m in existing_materials] + [
        {"id": "", "title": title, "document": document.pk} for title, document in materials
    ]
    data |= _formset("materials", materials_rows, len(existing_materials))
    return data


def _formset(prefix: str, rows: list[dict], initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                data[f"{prefix}-{number}-{name}"] = "on"
            elif value is not False:
                data[f"{prefix}-{number}-{name}"] = str(value)
        data[f"{prefix}-{number}-ORDER"] = str(number + 1)
        data[f"{prefix}-{number}-DELETE"] = ""
    return data
