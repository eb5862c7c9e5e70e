from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Бухгалтерия"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from billing.line_balance import readings_changed
        from billing.models import MainMeter, Meter, Plot, Reading
        from billing.signals import ledger_changed

        # the stored monthly sums of the line balance go stale with these (see billing.line_balance)
        for model in (Reading, Meter, Plot, MainMeter):
            uid = f"billing.line_balance.{model._meta.model_name}"
            post_save.connect(readings_changed, sender=model, dispatch_uid=f"{uid}.save", weak=False)
            post_delete.connect(readings_changed, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
        ledger_changed.connect(readings_changed, dispatch_uid="billing.line_balance.ledger", weak=False)
