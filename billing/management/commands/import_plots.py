from billing.services.imports import Kind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Загружает реестр участков из CSV или XLSX."
    kind = Kind.PLOTS
