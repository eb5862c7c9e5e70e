from django.urls import path, re_path

from members.views import electricity, exports, payments, profile

app_name = "cabinet"

urlpatterns = [
    path("", profile.profile, name="profile"),
    path("edit/", profile.edit, name="edit"),
    path("payments/", payments.payments, name="payments"),
    path("electricity/", electricity.electricity, name="electricity"),
    re_path(r"^electricity/export\.(?P<format>csv|xlsx)$", exports.electricity_export, name="electricity_export"),
]
