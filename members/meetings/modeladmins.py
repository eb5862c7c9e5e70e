"""«Реестр членов» in the admin (217-ФЗ ст. 15): the list with search by ФИО or plot number, the member
filter, the ownerships inline, the XLSX/CSV export for the board (billing's safe cells) and the
«Связать с пользователем сайта» button. The `user` link is never a form field: only the link view sets it."""

from datetime import date
from fractions import Fraction

from django import forms
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import ButtonHelper

from billing.admin_lists import PlotSearchHandler, yes_no
from billing.modeladmins import BillingModelAdmin
from members.meetings.models import Ownership, Person, share_overflow_message
from members.meetings.shares import Span, share_overflow

LINK_PERMISSION = "meetings.link_person"


class PersonAdminForm(WagtailAdminModelForm):
    """The registry entry with its ownerships: the shares of a plot are checked here, across the rows of
    this form as they will be saved and the other people's rows in the database. Each row's own check
    (Ownership.clean, against the saved rows) is switched off for this form's rows: it would see their old
    values, and refuse ending one period and adding the next in one save. The phone may be typed with +7,
    spaces and dashes: the model stores the 11 digits."""

    phone = forms.CharField(label="Телефон", max_length=32, required=False, help_text="Например: 89991234567")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("ownerships")
        for form in formset.forms if formset is not None else ():
            form.instance.shares_checked_by_form = True

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("ownerships")
        if formset is None or any(form.errors for form in formset.forms):
            return cleaned
        rows = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("plot")
        ]
        own_pks = [form.instance.pk for form in formset.forms if form.instance.pk]
        for plot in {row["plot"] for row in rows}:
            spans = [
                Span(
                    row["owned_from"], row.get("owned_to"), Fraction(row["share_numerator"], row["share_denominator"])
                )
                for row in rows
                if row["plot"] == plot
            ]
            saved = Ownership.objects.filter(plot=plot).exclude(pk__in=own_pks)
            overflow = share_overflow([*spans, *(other.span() for other in saved)])
            if overflow is not None:
                self.add_error(None, share_overflow_message(plot.number, *overflow))
        return cleaned


class RegistrySearchHandler(PlotSearchHandler):
    """Digits find the owners of that plot; a person owning it twice (two periods) is listed once."""

    def search_queryset(self, queryset, search_term, **kwargs):
        return super().search_queryset(queryset, search_term, **kwargs).distinct()


class PersonButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if self.request.user.has_perm(LINK_PERMISSION):
            buttons.append(
                {
                    "url": reverse("meetings_person_link", args=[obj.pk]),
                    "label": "Связать с пользователем сайта",
                    "classname": "button button-small button-secondary",
                    "title": f"Связать запись «{obj.full_name}» с пользователем сайта",
                }
            )
        return buttons


class PersonAdmin(BillingModelAdmin):
    model = Person
    menu_label = "Реестр членов"
    menu_icon = "group"
    menu_order = 260
    add_to_admin_menu = True
    button_helper_class = PersonButtonHelper
    plot_field = "ownerships__plot__number"
    list_display = (
        "full_name",
        "plot_numbers",
        yes_no("is_member", "член товарищества"),
        "member_since",
        "phone",
        "linked_user",
    )
    list_filter = ("is_member",)
    search_fields = ("full_name", "email", "phone", "postal_address")
    list_export = (
        "full_name",
        "is_member",
        "member_since",
        "membership_ended_on",
        "ownership_lines",
        "postal_address",
        "email",
        "phone",
        "linked_user",
        "notes",
    )
    export_headings = {
        "ownership_lines": "Участки (доля, кадастровый номер, с — по)",
        "linked_user": "Пользователь сайта",
    }
    edit_handler = ObjectList(
        [
            FieldPanel("full_name"),
            MultiFieldPanel(
                [FieldPanel("postal_address"), FieldRowPanel([FieldPanel("email"), FieldPanel("phone")])],
                heading="Адреса и телефон",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("is_member"),
                    FieldRowPanel([FieldPanel("member_since"), FieldPanel("membership_ended_on")]),
                ],
                heading="Членство",
            ),
            InlinePanel(
                "ownerships",
                heading="Участки в собственности",
                label="участок",
                panels=[
                    FieldPanel("plot", help_text="Кадастровый номер участка — в «Бухгалтерия» → «Участки»."),
                    FieldRowPanel([FieldPanel("share_numerator"), FieldPanel("share_denominator")]),
                    FieldRowPanel([FieldPanel("owned_from"), FieldPanel("owned_to")]),
                    FieldPanel("basis"),
                ],
            ),
            FieldPanel("notes"),
        ],
        base_form_class=PersonAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("ownerships__plot")

    def get_search_handler(self, request, search_fields=None):
        return RegistrySearchHandler(search_fields or self.get_search_fields(request), plot_field=self.plot_field)

    @property
    def export_filename(self) -> str:
        return f"reestr-{date.today():%Y-%m-%d}"

    def plot_numbers(self, obj):
        numbers = sorted({o.plot.number for o in obj.ownerships.all() if o.owned_to is None})
        return ", ".join(str(number) for number in numbers) or "—"

    plot_numbers.short_description = "участки"

    def ownership_lines(self, obj):
        lines = []
        for o in obj.ownerships.all():
            period = f"с {o.owned_from:%d.%m.%Y}" + (f" по {o.owned_to:%d.%m.%Y}" if o.owned_to else "")
            cadastral = f", {o.plot.cadastral_number}" if o.plot.cadastral_number else ""
            lines.append(f"{o.plot.number} ({o.share_label}{cadastral}, {period})")
        return "; ".join(lines)

    ownership_lines.short_description = "участки"

    def linked_user(self, obj):
        return obj.user.username if obj.user_id else ""

    linked_user.short_description = "пользователь сайта"
