from django.core.management.base import BaseCommand
from django.db import transaction

from billing import demo as billing_demo
from home import demo as home_demo
from members import demo as members_demo


class Command(BaseCommand):
    help = "Загружает демонстрационные данные СНТ «Аникино». Повторный запуск ничего не меняет."

    def handle(self, *args, **options):
        with transaction.atomic():
            home_demo.load_demo()
            billing_demo.load_demo()
            logins = members_demo.load_demo()
        self.stdout.write(self.style.SUCCESS("Демо-данные загружены."))
        self.stdout.write("Учётные записи для входа (логин / пароль):")
        for login in logins:
            self.stdout.write(f"  {login}")
