from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Бухгалтерия"

    def ready(self):
        from billing import line_sums

        # the line balance's monthly sums change with every write of readings, meters and feeders
        line_sums.connect()
