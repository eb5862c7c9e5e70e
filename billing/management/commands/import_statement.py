from billing.services.imports import Kind
from billing.services.statements.exchange import MAX_STATEMENT_BYTES

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Загружает выписку банка (1CClientBankExchange, «для 1С»): поступления разносятся по участкам, "
        "неясные ждут в «Неразобранных платежах», списания становятся расходами."
    )
    kind = Kind.STATEMENT
    max_bytes = MAX_STATEMENT_BYTES
    file_help = "выписка в формате 1CClientBankExchange (.txt)"

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super(ImportCommand, self).create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--acknowledge",
            action="store_true",
            help="загрузить, даже если итоги выписки не сходятся с документами (после проверки)",
        )
