"""Requests for copies of documents (217-ФЗ ст. 11) with the permission to answer them for the «Секретарь
правления» group; and the cadastral number moves from Ownership to billing's Plot (billing 0011 adds the
field; the values are copied here, where both models are known, and Ownership's column goes).

When owners of one plot had different numbers, the current owner's (the latest ownership) wins; a plot
that already has a number keeps it."""


import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SECRETARY_GROUP = "Секретарь правления"
CODENAMES = ["view_documentrequest", "answer_documentrequest"]


def copy_cadastral_numbers(apps, schema_editor):
    Ownership = apps.get_model("meetings", "Ownership")
    Plot = apps.get_model("billing", "Plot")
    numbers = {}
    rows = Ownership.objects.exclude(cadastral_number="").order_by("owned_from", "pk")
    for plot_id, number in rows.values_list("plot_id", "cadastral_number"):
        if number.strip():
            numbers[plot_id] = number.strip()  # the latest ownership's number wins
    for plot in Plot.objects.filter(pk__in=numbers, cadastral_number=""):
        plot.cadastral_number = numbers[plot.pk][:40]
        plot.save(update_fields=["cadastral_number"])


def copy_back(apps, schema_editor):
    Ownership = apps.get_model("meetings", "Ownership")
    Plot = apps.get_model("billing", "Plot")
    for plot_id, number in Plot.objects.exclude(cadastral_number="").values_list("pk", "cadastral_number"):
        Ownership.objects.filter(plot_id=plot_id).update(cadastral_number=number)


def grant(apps, schema_editor):
    config = apps.get_app_config("meetings")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES))
    if len(permissions) != len(CODENAMES):
        raise RuntimeError("meetings permissions are missing; cannot grant the document requests")
    group, _ = Group.objects.get_or_create(name=SECRETARY_GROUP)
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES)
    for group in Group.objects.filter(name=SECRETARY_GROUP):
        group.permissions.remove(*permissions)




class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0004_notices_and_secretary'),
        ('billing', '0011_plot_cadastral_number'),
        ('meetings', '0002_registry_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_cadastral_numbers, copy_back),
        migrations.RemoveField(
            model_name='ownership',
            name='cadastral_number',
        ),
        migrations.CreateModel(
            name='DocumentRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.UUIDField(default=uuid.uuid4, editable=False, verbose_name='ключ формы')),
                ('documents', models.JSONField(default=list, verbose_name='документы')),
                ('which', models.CharField(blank=True, max_length=500, verbose_name='какие именно')),
                ('comment', models.TextField(blank=True, max_length=1000, verbose_name='комментарий садовода')),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='получен')),
                ('status', models.CharField(choices=[('received', 'принят, готовится ответ'), ('answered', 'ответ готов'), ('refused', 'отказано')], default='received', max_length=10, verbose_name='статус')),
                ('fee', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='плата за копии, ₽')),
                ('answer', models.TextField(blank=True, max_length=2000, verbose_name='ответ правления')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='ответ дан')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='кто ответил')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='document_requests', to='meetings.person', verbose_name='член товарищества')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='document_requests', to=settings.AUTH_USER_MODEL, verbose_name='пользователь сайта')),
            ],
            options={
                'verbose_name': 'запрос копий документов',
                'verbose_name_plural': 'запросы копий документов',
                'ordering': ['-received_at', '-pk'],
                'permissions': [('answer_documentrequest', 'Может отвечать на запросы копий документов')],
            },
        ),
        migrations.CreateModel(
            name='DocumentRequestFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(editable=False, max_length=100, verbose_name='файл')),
                ('title', models.CharField(max_length=150, verbose_name='название')),
                ('size', models.PositiveIntegerField(verbose_name='размер, байт')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='загружен')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='meetings.documentrequest', verbose_name='запрос')),
            ],
            options={
                'verbose_name': 'файл ответа',
                'verbose_name_plural': 'файлы ответа',
                'ordering': ['pk'],
            },
        ),
        migrations.AddIndex(
            model_name='documentrequest',
            index=models.Index(fields=['status', 'received_at'], name='docrequest_status_received'),
        ),
        migrations.AddConstraint(
            model_name='documentrequest',
            constraint=models.UniqueConstraint(fields=('person', 'token'), name='documentrequest_person_token_unique'),
        ),
        migrations.AddConstraint(
            model_name='documentrequest',
            constraint=models.CheckConstraint(condition=models.Q(('fee__gte', 0)), name='documentrequest_fee_not_negative'),
        ),
        migrations.RunPython(grant, revoke),
    ]
