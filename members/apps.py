from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Садоводы"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from members.adapters import log_user_logged_in

        user_logged_in.connect(log_user_logged_in, dispatch_uid="members_log_user_logged_in")

        from billing.signals import readings_imported
        from members.sms.receivers import sms_after_readings_import

        readings_imported.connect(sms_after_readings_import, dispatch_uid="members_sms_after_readings_import")

        from allauth.account.signals import email_confirmed

        from members.services.claims import claims_after_email_confirmed

        email_confirmed.connect(claims_after_email_confirmed, dispatch_uid="members_claims_after_email_confirmed")

        from members.cabinet_cache import connect_signals

        connect_signals()
