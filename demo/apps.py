from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data of СНТ «Аникино» and the `load_demo` command that loads it; product apps never import it."""

    name = "demo"
    label = "demo"
    verbose_name = "Демо-данные"
