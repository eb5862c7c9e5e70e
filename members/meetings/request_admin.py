"""«Запросы документов» in the admin (217-ФЗ ст. 11): the queue with the date received and the 30-day
deadline, overdue requests first and marked; a request's page with the answer form (files, fee, note) or
the refusal. For the «Секретарь правления» group and the superuser (meetings.answer_documentrequest):
the requests carry members' names, so Wagtail's «Editors» see nothing of them."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from members.meetings import law
from members.meetings.models import DocumentRequest
from members.meetings.request_forms import AnswerForm, RefuseForm
from members.meetings.request_views import can_answer_requests
from members.meetings.requests import ALREADY_DECIDED, RequestRefused, answer_request, refuse_request

PER_PAGE = 50
STATUSES = (("open", "ждут ответа"), ("answered", "отвечены"), ("refused", "отказано"), ("all", "все"))
QUEUE = "meetings_document_requests"


class BoardOnly(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_answer_requests(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RequestQueueView(BoardOnly):
    template_name = "meetings/admin/requests.html"
    page_title = "Запросы документов"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "open")
        status = status if status in dict(STATUSES) else "open"
        requests = DocumentRequest.objects.select_related("person").order_by("received_at", "pk")
        if status == "open":
            requests = requests.filter(status=DocumentRequest.Status.RECEIVED)
        elif status != "all":
            requests = requests.filter(status=status).order_by("-answered_at", "-pk")
        page = Paginator(requests, PER_PAGE).get_page(self.request.GET.get("p"))
        today = timezone.localdate()
        return super().get_context_data(
            page=page,
            rows=[(item, item.is_overdue(today)) for item in page.object_list],
            status=status,
            statuses=STATUSES,
            answer_days=law.DOCUMENTS_ANSWER_DAYS,
            **kwargs,
        )


class RequestAnswerView(BoardOnly):
    template_name = "meetings/admin/request.html"
    page_title = "Запрос копий документов"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_answer_requests(request.user):
            raise PermissionDenied
        self.object = (
            DocumentRequest.objects.select_related("person", "requested_by", "answered_by")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if self.object is None:
            raise Http404("Такого запроса нет.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"№ {self.object.pk}, {self.object.person.full_name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(QUEUE), "label": RequestQueueView.page_title},
            {"url": "", "label": f"№ {self.object.pk}"},
        ]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("answer_form", AnswerForm())
        kwargs.setdefault("refuse_form", RefuseForm())
        return super().get_context_data(
            item=self.object,
            files=list(self.object.files.all()),
            overdue=self.object.is_overdue(),
            answer_days=law.DOCUMENTS_ANSWER_DAYS,
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.object.is_open:  # answered meanwhile (another tab, another secretary): nothing to check
            messages.error(request, ALREADY_DECIDED)
            return redirect(reverse("meetings_document_request", args=[self.object.pk]))
        if request.POST.get("action") == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(refuse_form=form), status=400)
            return self._decided(refuse_request, reason=form.cleaned_data["reason"])
        form = AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(answer_form=form), status=400)
        data = form.cleaned_data
        return self._decided(answer_request, files=data["files"], fee=data["fee"], answer=data["answer"])

    def _decided(self, service, **fields) -> HttpResponse:
        request = self.request
        cabinet_url = request.build_absolute_uri(reverse("meetings:documents"))
        try:
            service(request_id=self.object.pk, by=request.user, cabinet_url=cabinet_url, **fields)
        except RequestRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Ответ на запрос № {self.object.pk} отправлен садоводу.")
        return redirect(reverse("meetings_document_request", args=[self.object.pk]))


def admin_urls() -> list:
    return [
        path("meetings/requests/", RequestQueueView.as_view(), name=QUEUE),
        path("meetings/requests/<int:pk>/", RequestAnswerView.as_view(), name="meetings_document_request"),
    ]
