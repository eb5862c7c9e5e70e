"""«Связать с пользователем сайта»: the treasurer or the secretary links a registry person to the site
user whose confirmed claims cover a plot the person owns. The member never links themselves."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from members.meetings import registry
from members.meetings.modeladmins import LINK_PERMISSION
from members.meetings.models import Person
from members.posted import posted_ids


def can_link(user) -> bool:
    return user.is_active and user.is_authenticated and user.has_perm(LINK_PERMISSION)


class PersonLinkView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "meetings/admin/link.html"
    page_title = "Связать с пользователем сайта"
    header_icon = "link"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_link(request.user):
            raise PermissionDenied
        self.person = Person.objects.select_related("user").filter(pk=kwargs["pk"]).first()
        if self.person is None:
            raise Http404("Такой записи в реестре нет.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.person.full_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("meetings_person_modeladmin_index"), "label": "Реестр членов"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            candidates=registry.link_candidates(self.person),
            has_plots=bool(registry.owned_plot_ids(self.person)),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        here = reverse("meetings_person_link", args=[pk])
        if request.POST.get("action") == "unlink":
            registry.unlink_user(self.person.pk)
            messages.success(request, f"Связь записи «{self.person.full_name}» с пользователем сайта снята.")
            return redirect(here)
        ids = posted_ids(request.POST.getlist("user"))
        if len(ids) != 1:
            messages.error(request, "Выберите одного пользователя сайта.")
            return redirect(here)
        try:
            person = registry.link_user(self.person.pk, ids[0])
        except registry.LinkRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(here)
        messages.success(request, f"Запись «{person.full_name}» связана с пользователем {person.user.get_username()}.")
        return redirect(here)
