from billing.services.imports import Kind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Загружает начисления из CSV или XLSX."
    kind = Kind.CHARGES
