import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def choose_pages(apps, schema_editor):
    """Existing sites: the contact page is the site's live feedback form, and an empty consent
    page becomes the site's live «soglasie» page, the one the cabinet linked by slug before."""
    SiteSettings = apps.get_model("home", "SiteSettings")
    ContactPage = apps.get_model("home", "ContactPage")
    Page = apps.get_model("wagtailcore", "Page")
    for site_settings in SiteSettings.objects.select_related("site__root_page"):
        root = site_settings.site.root_page
        under_root = {"path__startswith": root.path, "live": True}
        # ids only: a historical form page cannot be built (Wagtail's AbstractForm.__init__ reads
        # attributes a migration's model does not have)
        if site_settings.contact_page_id is None:
            contacts = ContactPage.objects.filter(**under_root).order_by("path")
            site_settings.contact_page_id = contacts.values_list("pk", flat=True).first()
        if site_settings.consent_page_id is None:
            consents = Page.objects.filter(slug="soglasie", **under_root).order_by("path")
            site_settings.consent_page_id = consents.values_list("pk", flat=True).first()
        site_settings.save(update_fields=["contact_page", "consent_page"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_content_form_preview_kpp_letters"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="contact_page",
            field=models.ForeignKey(
                blank=True,
                help_text="Куда ведёт ссылка «напишите правлению» в личном кабинете.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.WAGTAIL_PAGE_MODEL,
                verbose_name="страница формы обратной связи",
            ),
        ),
        migrations.RunPython(choose_pages, migrations.RunPython.noop),
    ]
