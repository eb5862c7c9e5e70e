from django.urls import path

from members.views import profile

app_name = "cabinet"

urlpatterns = [
    path("", profile.profile, name="profile"),
    path("edit/", profile.edit, name="edit"),
]
