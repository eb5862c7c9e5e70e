from billing.services.imports import Kind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Загружает платежи из CSV или XLSX."
    kind = Kind.PAYMENTS
