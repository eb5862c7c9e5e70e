from billing.services.imports import Kind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Загружает показания счётчиков из CSV или XLSX."
    kind = Kind.READINGS
