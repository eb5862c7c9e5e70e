from billing.services.imports import Kind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Загружает показания общих счётчиков (на вводе, на фидерах) из CSV или XLSX."
    kind = Kind.MAIN_READINGS
