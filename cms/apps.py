from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The project itself, as an app only to carry commands that wire the apps (backup, restore)."""

    name = "cms"
    verbose_name = "Сайт"
