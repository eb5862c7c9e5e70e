from django.urls import path, re_path

from members.readings import views as readings
from members.views import electricity, exports, payments, phone, privacy, profile, reconciliation

app_name = "cabinet"

urlpatterns = [
    path("", profile.profile, name="profile"),
    path("edit/", profile.edit, name="edit"),
    path("phone/", phone.phone, name="phone"),
    path("payments/", payments.payments, name="payments"),
    path("electricity/", electricity.electricity, name="electricity"),
    re_path(r"^electricity/export\.(?P<format>csv|xlsx)$", exports.electricity_export, name="electricity_export"),
    path("readings/", readings.readings, name="readings"),
    re_path(r"^readings/photos/(?P<pk>[1-9][0-9]{0,8})/$", readings.reading_photo, name="reading_photo"),
    path("reconciliation/", reconciliation.reconciliation, name="reconciliation"),
    # ASCII digits, at most nine (Plot.number's range); anything else is no plot of anyone's: a 404
    re_path(
        r"^reconciliation/(?P<number>[1-9][0-9]{0,8})\.pdf$",
        reconciliation.reconciliation_pdf,
        name="reconciliation_pdf",
    ),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/export.json", privacy.privacy_export, name="privacy_export"),
    path("privacy/delete/", privacy.privacy_delete, name="privacy_delete"),
]
