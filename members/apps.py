from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Садоводы"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from members.adapters import log_user_logged_in

        user_logged_in.connect(log_user_logged_in, dispatch_uid="members_log_user_logged_in")
