"""Demo registry (217-ФЗ ст. 15): member 269 with plots 269 and 270 linked to the demo account, a
co-owned plot and an owner without membership; the plots get their cadastral numbers. Plots missing from
the registry are skipped."""

import datetime

from django.contrib.auth import get_user_model

from billing.models import Plot
from members.meetings.models import Ownership, Person

# ФИО, member since (None: an owner without membership), phone, postal address, [(plot, share, cadastral number)]
PEOPLE = [
    (
        "Иванов Иван Иванович",
        datetime.date(2012, 5, 20),
        "89031221105",
        "141500, Московская обл., г. Солнечногорск, ул. Садовая, д. 1",
        [(269, (1, 1), "50:09:0010101:269"), (270, (1, 1), "50:09:0010101:270")],
    ),
    ("Петрова Анна Сергеевна", datetime.date(2015, 6, 1), "89161234567", "", [(12, (1, 2), "50:09:0010101:12")]),
    ("Петров Олег Викторович", None, "", "", [(12, (1, 2), "50:09:0010101:12")]),
    ("Сидоров Павел Андреевич", datetime.date(2019, 4, 27), "", "", [(3, (1, 1), "")]),
]
SINCE = datetime.date(2012, 5, 20)
LINKED = {"Иванов Иван Иванович": "269"}  # the demo member: «Мои данные» → «Запись в реестре»


def load_demo() -> None:
    plots = {
        plot.number: plot for plot in Plot.objects.filter(number__in=[n for *_, rows in PEOPLE for n, _, _ in rows])
    }
    users = get_user_model().objects
    for full_name, member_since, phone, address, rows in PEOPLE:
        person, created = Person.objects.get_or_create(
            full_name=full_name,
            defaults={
                "is_member": member_since is not None,
                "member_since": member_since,
                "phone": phone,
                "postal_address": address,
            },
        )
        if not created:
            continue
        if full_name in LINKED:
            person.user = users.filter(username=LINKED[full_name], registry_person__isnull=True).first()
            person.save(update_fields=["user"])
        for number, (numerator, denominator), cadastral in rows:
            if number in plots:
                Ownership.objects.create(
                    person=person,
                    plot=plots[number],
                    share_numerator=numerator,
                    share_denominator=denominator,
                    owned_from=member_since or SINCE,
                    basis="Выписка из ЕГРН (демо)",
                )
                if cadastral and not plots[number].cadastral_number:
                    Plot.objects.filter(pk=plots[number].pk).update(cadastral_number=cadastral)
                    plots[number].cadastral_number = cadastral
