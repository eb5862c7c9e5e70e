from django.core.management.base import BaseCommand
from django.db import transaction

from demo import billing as billing_demo
from demo import home as home_demo
from demo import meetings as meetings_demo
from demo import members as members_demo
from demo import registry as registry_demo


class Command(BaseCommand):
    help = "Загружает демонстрационные данные СНТ «Аникино». Повторный запуск ничего не меняет."

    def handle(self, *args, **options):
        with transaction.atomic():
            home_demo.load_demo()
            billing_demo.load_demo()
            logins = members_demo.load_demo()
            registry_demo.load_demo()
            meetings_demo.load_demo()
        self.stdout.write(self.style.SUCCESS("Демо-данные загружены."))
        self.stdout.write("Учётные записи для входа (логин / пароль):")
        for login in logins:
            self.stdout.write(f"  {login}")
