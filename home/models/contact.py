"""Контакты: the feedback form built in the admin, mailed to the board and kept in «Формы»."""

import datetime

from django.db import models
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from modelcluster.fields import ParentalKey
from wagtail.admin.mail import send_mail
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.forms.utils import get_field_clean_name
from wagtail.fields import RichTextField
from wagtail.search import index

from home.forms import ContactFormBuilder
from home.ratelimit import client_ip, rate_limit_exceeded

HONEYPOT_FIELD = "website"
EMAIL_CONTINUATION = "    "  # before the 2nd, 3rd… line of an answer in the board's email
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

    form_builder = ContactFormBuilder  # one-line answers cannot carry line breaks

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "страница контактов с формой"
        verbose_name_plural = "страницы контактов с формой"

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            # The form always sends the hidden field, empty: a POST without it, or with it filled,
            # comes from a script.
            if request.POST.get(HONEYPOT_FIELD, None) != "":
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

    def get_submissions_list_view_class(self):
        from home.views import ContactSubmissionsListView  # a view module: not at models import time

        return ContactSubmissionsListView

    def _refuse(self, request, message: str, *, status: int):
        context = self.get_context(request)
        context["form"] = self.get_form(page=self, user=request.user)
        context["refusal"] = message
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def send_mail(self, form):
        """Wagtail's email to the board, with Reply-To the visitor's address: «Ответить» reaches them."""
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        emails = [field.clean_name for field in self.get_form_fields() if field.field_type == "email"]
        reply_to = [form.cleaned_data[name] for name in emails if form.cleaned_data.get(name)][:1]
        send_mail(self.subject, self.render_email(form), addresses, self.from_address, reply_to=reply_to or None)

    def render_email(self, form):
        """Wagtail's «Поле: значение» lines, with every further line of an answer indented, so
        that no answer can pose as another field."""
        lines = []
        for field in form:
            if field.name not in form.cleaned_data:
                continue
            value = form.cleaned_data[field.name]
            if isinstance(value, list):
                value = ", ".join(value)
            if isinstance(value, datetime.datetime):
                value = date_format(value, "SHORT_DATETIME_FORMAT")
            elif isinstance(value, datetime.date):
                value = date_format(value, "SHORT_DATE_FORMAT")
            lines.append(f"{field.label}: {value}".replace("\n", "\n" + EMAIL_CONTINUATION))
        return "\n".join(lines)
