"""Values an editor changes without a programmer: the СНТ's name, contacts, bank details."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from home.requisites import bank_details_errors

digits = RegexValidator(r"^\d*$", "Только цифры.")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Read by every app: `SiteSettings.for_request(request)` or `SiteSettings.for_site(site)`."""

    full_name = models.CharField("полное название", max_length=255, default="СНТ")
    short_name = models.CharField(
        "краткое название для SMS",
        max_length=40,
        default="СНТ",
        help_text="Подпись в начале SMS, например «СНТ Аникино».",
    )
    tagline = models.CharField("девиз под названием", max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="логотип",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField("адрес", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    vk_url = models.URLField("ВКонтакте", blank=True)
    telegram_url = models.URLField("Telegram", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)

    bank_recipient = models.CharField("получатель платежа", max_length=255, blank=True)
    bank_account = models.CharField("расчётный счёт", max_length=20, blank=True, validators=[digits])
    bank_name = models.CharField("банк", max_length=255, blank=True)
    bank_bic = models.CharField("БИК", max_length=9, blank=True, validators=[digits])
    bank_corr_account = models.CharField("корреспондентский счёт", max_length=20, blank=True, validators=[digits])
    bank_inn = models.CharField("ИНН", max_length=12, blank=True, validators=[digits])
    bank_kpp = models.CharField("КПП", max_length=9, blank=True)  # letters allowed in places 5–6: clean() checks
    payment_due_day = models.PositiveSmallIntegerField(
        "оплатить до (число месяца)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Попадает в SMS: «Оплатить до 5 числа».",
    )

    instruction_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="инструкция по работе с личным кабинетом",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="страница согласия на обработку персональных данных",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="страница формы обратной связи",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Куда ведёт ссылка «напишите правлению» в личном кабинете.",
    )

    # Both pages come with the settings' own query: every page links them (footer, cabinet).
    select_related = ["consent_page", "contact_page"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("full_name"), FieldPanel("short_name"), FieldPanel("tagline"), FieldPanel("logo")],
            heading="Название",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("vk_url"),
                FieldPanel("telegram_url"),
                FieldPanel("facebook_url"),
            ],
            heading="Контакты",
        ),
        MultiFieldPanel(
            [
                FieldPanel("bank_recipient"),
                FieldPanel("bank_account"),
                FieldPanel("bank_name"),
                FieldPanel("bank_bic"),
                FieldPanel("bank_corr_account"),
                FieldPanel("bank_inn"),
                FieldPanel("bank_kpp"),
                FieldPanel("payment_due_day"),
            ],
            heading="Реквизиты для оплаты",
        ),
        MultiFieldPanel(
            [FieldPanel("instruction_document"), FieldPanel("consent_page"), FieldPanel("contact_page")],
            heading="Документы",
        ),
    ]

    class Meta:
        verbose_name = "настройки сайта"
        verbose_name_plural = "настройки сайта"

    def __str__(self):
        return self.full_name

    def clean(self):
        """A payment QR code with a wrong account or INN is refused by the member's bank app."""
        super().clean()
        errors = bank_details_errors(
            account=self.bank_account,
            bic=self.bank_bic,
            corr_account=self.bank_corr_account,
            inn=self.bank_inn,
            kpp=self.bank_kpp,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(label, url) pairs of the filled-in social networks, for the header and footer."""
        links = [("ВКонтакте", self.vk_url), ("Telegram", self.telegram_url), ("Facebook", self.facebook_url)]
        return [(label, url) for label, url in links if url]
