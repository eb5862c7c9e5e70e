"""Контакты: the feedback form built in the admin, mailed to the board and kept in «Формы»."""

from django.db import models
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.forms.utils import get_field_clean_name
from wagtail.fields import RichTextField
from wagtail.search import index

from home.ratelimit import client_ip, rate_limit_exceeded

HONEYPOT_FIELD = "website"
SUBMISSIONS_PER_WINDOW = 5
WINDOW_SECONDS = 10 * 60


CYRILLIC_TO_LATIN = str.maketrans(
    {
        **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziiklmnoprstufye", strict=True)),
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ь": "",
        "ю": "iu",
        "я": "ia",
    }
)


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")

    def get_field_clean_name(self):
        """Readable Latin keys for Russian labels («Номер участка» → nomer_uchastka), not escape codes."""
        return get_field_clean_name(self.label.lower().translate(CYRILLIC_TO_LATIN))


class ContactPage(AbstractEmailForm):
    """The feedback form, with a honeypot field and a per-IP limit against spam."""

    intro = RichTextField("вступление", blank=True, features=["bold", "italic", "link", "ol", "ul"])
    thank_you_text = RichTextField(
        "текст после отправки", blank=True, features=["bold", "italic", "link"], default="<p>Спасибо! Мы ответим.</p>"
    )

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="поле формы", heading="Поля формы"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="Письмо правлению",
        ),
    ]
    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "страница контактов с формой"
        verbose_name_plural = "страницы контактов с формой"

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            if request.POST.get(HONEYPOT_FIELD):
                return self._refuse(request, "Сообщение не отправлено: форма заполнена автоматически.", status=400)
            if rate_limit_exceeded(
                scope=f"contact:{self.pk}",
                key=client_ip(request),
                limit=SUBMISSIONS_PER_WINDOW,
                window_seconds=WINDOW_SECONDS,
            ):
                return self._refuse(
                    request,
                    "Слишком много сообщений с вашего адреса. Пожалуйста, попробуйте через 10 минут.",
                    status=429,
                )
        return super().serve(request, *args, **kwargs)

    def _refuse(self, request, message: str, *, status: int):
        context = self.get_context(request)
        context["form"] = self.get_form(page=self, user=request.user)
        context["refusal"] = message
        return TemplateResponse(request, self.get_template(request), context, status=status)
