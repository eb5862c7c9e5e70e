"""«Общие собрания» in the admin for the secretary («Секретарь правления») and the superuser: the list
with each meeting's state, the form with the agenda and materials inline, and the buttons to the
meeting's pages (publish, registration and ballots, close, results, notice log). The treasurer has none
of the meetings' permissions, so neither the menu item nor any page opens for them."""

from django.db import transaction
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import CreateView, EditView

from billing.modeladmins import PermittedHistoryView
from members.meetings import law
from members.meetings.meeting_forms import MeetingAdminForm
from members.meetings.models import Meeting, MeetingRules
from members.meetings.protocol import can_view_protocol

PUBLISH_PERMISSION = "meetings.publish_meeting"
BALLOTS_PERMISSION = "meetings.enter_ballots"
VIEW_BALLOTS_PERMISSION = "meetings.view_ballots"
NOTICES_PERMISSION = "meetings.view_meetingnotice"


STATUS_CHANGED = (
    "Пока вы правили собрание, его уведомление опубликовали или подвели итоги: изменения не сохранены. "
    "Откройте собрание заново."
)


class MeetingPermissionHelper(PermissionHelper):
    """A closed meeting is the protocol's record: nobody edits it; only a draft is deleted."""

    def user_can_edit_obj(self, user, obj):
        return not obj.is_closed and super().user_can_edit_obj(user, obj)

    def user_can_delete_obj(self, user, obj):
        return obj.status == Meeting.Status.DRAFT and super().user_can_delete_obj(user, obj)


def meeting_links(user, meeting: Meeting) -> list[tuple[str, str]]:
    """(label, url) of the meeting's pages this user may open, in the order of the meeting's life."""
    links = []
    if meeting.status == Meeting.Status.DRAFT and user.has_perm(PUBLISH_PERMISSION):
        links.append(("Опубликовать уведомление", reverse("meetings_meeting_publish", args=[meeting.pk])))
    if meeting.is_published and user.has_perm(BALLOTS_PERMISSION):
        links.append(("Регистрация и бюллетени", reverse("meetings_meeting_ballots", args=[meeting.pk])))
    if meeting.is_published and user.has_perm(PUBLISH_PERMISSION):
        links.append(("Подвести итоги", reverse("meetings_meeting_close", args=[meeting.pk])))
    if meeting.is_closed and user.has_perm("meetings.view_meeting"):
        links.append(("Итоги", reverse("meetings_meeting_results", args=[meeting.pk])))
    if meeting.is_closed and can_view_protocol(user):
        links.append(("Протокол (PDF)", reverse("meetings_protocol", args=[meeting.pk])))
    if meeting.status != Meeting.Status.DRAFT and user.has_perm(NOTICES_PERMISSION):
        links.append(("Уведомления", reverse("meetings_meeting_notices", args=[meeting.pk])))
    return links


class MeetingButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        for label, url in meeting_links(self.request.user, obj):
            buttons.append(
                {"url": url, "label": label, "classname": "button button-small button-secondary", "title": label}
            )
        return buttons


def rules_by_topic(rules: MeetingRules) -> dict[str, list]:
    """{topic: [majority, owners vote]} as the rules say, for the form's script to fill a new item."""
    return {code: [rules.majority_for(code), rules.owners_vote(code)] for code in law.TOPICS_BY_CODE}


class MeetingCreateView(CreateView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting_rules=rules_by_topic(MeetingRules.load()), **kwargs)


class MeetingEditView(EditView):
    def form_valid(self, form):
        """Saves under the meeting's row lock, as publish and close take it (voting._locked): if the meeting
        was published or closed since this form was checked, the checks of a draft no longer hold."""
        with transaction.atomic():
            now = Meeting.objects.select_for_update().filter(pk=self.instance.pk).values_list("status", flat=True)
            if now.first() != self.instance.status:
                form.add_error(None, STATUS_CHANGED)
                return self.form_invalid(form)
            return super().form_valid(form)

    def get_context_data(self, **kwargs):
        rules = MeetingRules.load()
        return super().get_context_data(
            meeting_rules=rules_by_topic(rules),
            materials_deadline=self.instance.materials_deadline(rules.materials_days),
            **kwargs,
        )


class MeetingAdmin(ModelAdmin):
    model = Meeting
    menu_label = "Общие собрания"
    menu_icon = "group"
    menu_order = 261
    add_to_admin_menu = True
    permission_helper_class = MeetingPermissionHelper
    button_helper_class = MeetingButtonHelper
    history_view_class = PermittedHistoryView
    create_view_class = MeetingCreateView
    edit_view_class = MeetingEditView
    create_template_name = "meetings/admin/meeting_create.html"
    edit_template_name = "meetings/admin/meeting_edit.html"
    list_display = ("title", "date", "form", "status")
    list_filter = ("status",)
    search_fields = ("title", "place")
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("form")]),
            FieldPanel("initiator"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("date"), FieldPanel("start_time")]),
                    FieldPanel("place"),
                    FieldRowPanel([FieldPanel("voting_starts"), FieldPanel("voting_ends")]),
                ],
                heading="Когда и где",
            ),
            InlinePanel(
                "items",
                heading="Повестка дня",
                label="вопрос",
                min_num=0,
                panels=[FieldPanel("wording"), FieldPanel("topic"), FieldPanel("majority"), FieldPanel("owners_vote")],
                help_text=(
                    "Большинство и голос собственников без членства — по «Правилам общего собрания» для выбранного "
                    "пункта ст. 17 ч. 1; строже правил — можно, слабее — нельзя. После публикации уведомления "
                    "повестка не меняется (ст. 17 ч. 15)."
                ),
            ),
            FieldPanel("materials_place"),
            InlinePanel(
                "materials",
                heading="Материалы собрания",
                label="материал",
                panels=[FieldPanel("title"), FieldPanel("document")],
                help_text="Доступны членам не позднее чем за 7 дней до собрания (ст. 17 ч. 17).",
            ),
        ],
        base_form_class=MeetingAdminForm,
    )
