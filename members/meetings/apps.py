from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """The members' registry (217-ФЗ ст. 15) and, later, the general meetings (ст. 17).
    It may import members and billing; nothing imports it back (cms wires its URLs)."""

    name = "members.meetings"
    label = "meetings"
    verbose_name = "Собрания и реестр"
