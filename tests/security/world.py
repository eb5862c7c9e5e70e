"""The world the URL walks run in: the demo site and its accounts, a member whose numbers appear
nowhere else (so a leak is detectable), one object of each kind, and the rules that fill every
route's parameters from these objects."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.test import Client
from PIL import Image
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageViewRestriction, Revision, Site, Task, Workflow

from billing.models import (
    Article,
    BankTransaction,
    BudgetLine,
    Charge,
    ExpenseCategory,
    FeeRate,
    FinancePage,
    ImportBatch,
    LineBalancePage,
    MainMeter,
    MainReading,
    Meter,
    Payment,
    PenaltyRule,
    Plot,
    Reading,
    Tariff,
)
from home.models import ContentPage
from members.meetings.models import AgendaItem, DocumentRequest, DocumentRequestFile, Meeting, Ownership, Person
from members.meetings.request_files import CheckedFile, store_answer_file
from members.models import DebtReminder, PlotClaim, ReadingSubmission, ReconciliationBatch, ReminderRound, User
from members.readings.photos import store_photo
from tests.factories import (
    ChargeFactory,
    MeterFactory,
    PaymentFactory,
    PlotClaimFactory,
    PlotFactory,
    ProfileFactory,
    ReadingFactory,
    UserFactory,
)
from tests.members.meetings.world import published
from tests.security.urlwalk import Fill

# The member's numbers: they appear in no page, fixture or instruction but this member's cabinet.
SECRET_PLOT = 777
SECRET_READINGS = (48213, 17359, 48811, 17402)
SECRET_PAYMENT = "98765.43"
SECRET_PHONE = "89017654321"
SECRET_NAME = "Секретова Зинаида Аркадьевна"
LEAK_MARKERS = (*(str(n) for n in SECRET_READINGS), SECRET_PAYMENT, "98 765,43", SECRET_PHONE, SECRET_NAME)


def png_file() -> ImageFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return ImageFile(buffer, name="logo.png")


def build_world() -> dict:
    """The demo site and accounts, a member with distinctive numbers, one object of each kind."""
    call_command("load_demo", verbosity=0)
    users = User.objects
    member = UserFactory(username=str(SECRET_PLOT), email="secret@example.org")
    ProfileFactory(user=member, owner_name=SECRET_NAME, phone=SECRET_PHONE, sms_consent=True)
    plot = PlotFactory(number=SECRET_PLOT, area=Decimal("6.00"))
    PlotClaimFactory(user=member, plot=plot, status=PlotClaim.Status.CONFIRMED)
    # the member's registry entry, linked: their «Запись в реестре»; another member must see none of it
    person = Person.objects.create(
        full_name=SECRET_NAME, phone=SECRET_PHONE, member_since=datetime.date(2015, 5, 1), user=member
    )
    Ownership.objects.create(person=person, plot=plot, owned_from=datetime.date(2015, 5, 1))
    meetings = _meetings()
    meeting = published(items=(("budget", "Утвердить смету"),))  # voting open: the member's ballot
    meter = MeterFactory(plot=plot, serial="SN-SECRET")
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=SECRET_READINGS[0], night=SECRET_READINGS[1])
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=SECRET_READINGS[2], night=SECRET_READINGS[3])
    article = Article.objects.order_by("pk").first()
    ChargeFactory(plot=plot, article=article, amount=Decimal("100000.00"))
    PaymentFactory(plot=plot, article=article, amount=Decimal(SECRET_PAYMENT))
    statement = ImportBatch.objects.create(kind=ImportBatch.Kind.STATEMENT, file_name="may.txt", sha256="5" * 64)
    BankTransaction.objects.create(
        batch=statement,
        account="40703810938000012345",
        direction=BankTransaction.Direction.INCOMING,
        kind="Платежное поручение",
        number="1",
        date=datetime.date(2022, 5, 5),
        booked_on=datetime.date(2022, 5, 5),
        amount=Decimal("10.00"),
        payer_name=SECRET_NAME,
        purpose=f"уч. {SECRET_PLOT}",
        status=BankTransaction.Status.QUEUED,
        suggested_plot=plot,
    )

    home = Site.objects.get(is_default_site=True).root_page
    private = home.add_child(instance=ContentPage(title="Только для садоводов", slug="dlya-svoih"))
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    finance = home.add_child(instance=FinancePage(title="Доходы и расходы", slug="dohody-i-rashody"))
    finance.save_revision().publish()
    balance = home.add_child(instance=LineBalancePage(title="Баланс электроэнергии", slug="balans-elektroenergii"))
    balance.save_revision().publish()
    main_meter, _ = MainMeter.objects.get_or_create(name="Ввод ТП-1", kind=MainMeter.Kind.TRANSFORMER)
    MainReading.objects.get_or_create(
        main_meter=main_meter, taken_on=datetime.date(2022, 5, 1), defaults={"day": 1000}
    )

    batch = _reconciliation_batch()
    reminders = _reminder_round(member, plot)
    submission = ReadingSubmission.objects.create(
        meter=meter,
        period="2022-06",
        taken_on=datetime.date(2022, 7, 1),
        day=SECRET_READINGS[2] + 100,
        night=SECRET_READINGS[3] + 50,
        photo=store_photo(png_file().read(), "png"),
        submitted_by=member,
    )
    document_request = DocumentRequest.objects.create(
        person=person,
        requested_by=member,
        documents=["meeting_protocols"],
        which=f"протокол, уч. {SECRET_PLOT}",
        status=DocumentRequest.Status.ANSWERED,
        fee=Decimal(SECRET_PAYMENT),
    )
    answer_file = DocumentRequestFile.objects.create(
        request=document_request,
        name=store_answer_file(CheckedFile(b"%PDF-1.7\n%%EOF\n", "pdf", "protokol.pdf")),
        title="protokol.pdf",
        size=15,
    )
    image = get_image_model().objects.create(title="Логотип", file=png_file())
    Redirect.objects.create(old_path="/staraya", redirect_link="/")
    return {
        "member": member,
        "treasurer": users.get(username="treasurer"),
        "editor": users.get(username="editor"),
        "superuser": users.get(username="admin"),
        "home": home,
        "private": private,
        "image": image,
        "plot": plot,
        "meter": meter,
        "statement": statement,
        "reconciliation_batch": batch,
        "reminder_round": reminders,
        "reading_submission": submission,
        "person": person,
        **meetings,
        "meeting": meeting,
        "document_request": document_request,
        "answer_file": answer_file,
    }


def _meetings() -> dict:
    """A meeting in each state, for the secretary's pages: a draft, a published one, one due to be
    closed (its day has passed), a closed one; each with one question on the agenda."""
    today = datetime.date.today()
    made = {}
    for status, key, days in (
        ("draft", "draft", 30),
        ("published", "published", 20),
        ("published", "due", -1),
        ("closed", "closed", -30),
    ):
        meeting = Meeting.objects.create(
            date=today + datetime.timedelta(days=days), form=Meeting.Form.IN_PERSON, place="Правление", status=status
        )
        AgendaItem.objects.create(meeting=meeting, wording="Утвердить отчёт правления", topic="board_reports")
        made[f"meeting_{key}"] = meeting
    return made


def _reconciliation_batch() -> ReconciliationBatch:
    """A finished batch of акты сверки with its archive in the private folder."""
    batch = ReconciliationBatch.objects.create(
        plot_numbers=[SECRET_PLOT],
        end=datetime.date(2022, 12, 31),
        total=1,
        done=1,
        status=ReconciliationBatch.Status.DONE,
        file_name="akty-sverki-world.zip",
    )
    folder = Path(settings.RECONCILIATION_ARCHIVE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / batch.file_name, "w") as archive:
        archive.writestr("akt-sverki.pdf", b"%PDF-1.7")
    return batch


def _reminder_round(member: User, plot: Plot) -> ReminderRound:
    """A finished round of reminders to debtors with the member's letter in its log."""
    round_ = ReminderRound.objects.create(
        key="0" * 32,
        on=datetime.date(2022, 12, 31),
        threshold=Decimal("1000.00"),
        sms_text="{name}: долг {amount}",
        status=ReminderRound.Status.DONE,
        planned=1,
        sent=1,
    )
    DebtReminder.objects.create(
        round=round_,
        plot=plot,
        user=member,
        channel=DebtReminder.Channel.EMAIL,
        amount=Decimal("1234.57"),
        status=DebtReminder.Status.SENT,
    )
    return round_


def make_other_member() -> User:
    """Member 778 with a confirmed plot of their own: the one who must see nothing of 777."""
    user = UserFactory(username="778", email="other@example.org")
    PlotClaimFactory(user=user, plot__number=778, status=PlotClaim.Status.CONFIRMED)
    return user


def fills(world) -> list[Fill]:
    """How to fill every route parameter: by name anywhere, then by name under a route prefix."""
    return _parameter_fills(world) + _section_fills(world)


def _parameter_fills(world) -> list[Fill]:
    home, doc = world["home"], get_document_model().objects.order_by("pk").first()
    revision = Revision.page_revisions.filter(object_id=str(home.pk)).order_by("pk").first()
    task, workflow = Task.objects.order_by("pk").first(), Workflow.objects.order_by("pk").first()
    page_ids = {"page_id", "parent_page_id", "page_pk", "pk"}
    rules = [Fill("", name, str(home.pk)) for name in page_ids]
    return rules + [
        Fill("", "page_to_move_id", str(Page.objects.get(slug="ustav").pk)),
        Fill("", "destination_id", str(Page.objects.get(slug="obyavleniya").pk)),
        Fill("", "revision_id", str(revision.pk)),
        Fill("", "revision_id_a", "earliest"),
        Fill("", "revision_id_b", "latest"),
        Fill("", "content_type_app_name", "home"),
        Fill("", "content_type_model_name", "contentpage"),
        Fill("", "app_label", "home"),
        Fill("", "model_name", "contentpage"),
        Fill("", "action", "delete"),
        Fill("", "action_name", "approve"),
        Fill("", "task_state_id", "1"),
        Fill("", "workflow_state_id", "1"),
        Fill("", "task_id", str(task.pk)),
        Fill("", "workflow_pk", str(workflow.pk)),
        Fill("", "session_id", "1"),
        Fill("", "object_id", str(home.pk)),
        Fill("", "collection_id", str(Collection.get_first_root_node().pk)),
        Fill("", "document_id", str(doc.pk)),
        Fill("", "doc_id", str(doc.pk)),
        Fill("", "image_id", str(world["image"].pk)),
        Fill("", "uploaded_file_id", "1"),
        Fill("", "redirect_id", str(Redirect.objects.get().pk)),
        Fill("", "restriction_id", "1"),
        Fill("", "page_view_restriction_id", str(PageViewRestriction.objects.get().pk)),
        Fill("", "filter_spec", "max-165x165"),
        Fill("", "app_name", "home"),
        Fill("", "kind", "readings"),
        Fill("", "fmt", "csv"),
        Fill("", "format", "csv"),
        Fill("", "key", "not-a-key"),
        Fill("", "uidb36", "1"),
        Fill("", "uidb64", "MQ"),
        Fill("", "token", "not-a-token"),
        Fill("", "number", str(SECRET_PLOT)),
    ]


def _section_fills(world) -> list[Fill]:
    doc, image = get_document_model().objects.order_by("pk").first(), world["image"].pk
    tariff, article, fee = Tariff.objects.first(), Article.objects.first(), FeeRate.objects.first()
    category = ExpenseCategory.objects.get_or_create(name="Вывоз мусора")[0]
    budget = BudgetLine.objects.get_or_create(year=2022, category=category, defaults={"amount": 120000})[0]
    rule = PenaltyRule.objects.get_or_create(
        name="Пени по уставу", defaults={"rate": Decimal("0.1"), "valid_from": datetime.date(2020, 1, 1)}
    )[0]
    site, editors = Site.objects.get(is_default_site=True), Group.objects.get(name="Editors")
    task, workflow = Task.objects.order_by("pk").first(), Workflow.objects.order_by("pk").first()
    rules = [
        Fill("admin/api/main/^documents/", "pk", str(doc.pk)),
        Fill("admin/api/main/^images/", "pk", str(image)),
        Fill("admin/collections/", "pk", str(Collection.get_first_root_node().pk)),
        Fill("admin/workflows/", "pk", str(workflow.pk)),
        Fill("admin/workflows/tasks/", "pk", str(task.pk)),
        Fill("admin/workflows/tasks/add/", "app_label", "wagtailcore"),
        Fill("admin/workflows/tasks/add/", "model_name", "groupapprovaltask"),
        Fill("admin/bulk/", "app_label", "wagtailcore"),
        Fill("admin/bulk/", "model_name", "page"),
        Fill("admin/editing-sessions/", "app_label", "wagtailcore"),
        Fill("admin/editing-sessions/", "model_name", "page"),
        Fill("admin/settings/", "model_name", "sitesettings"),
        Fill("admin/settings/", "pk", str(site.pk)),
        Fill("admin/tag-autocomplete/", "app_name", "wagtaildocs"),
        Fill("admin/tag-autocomplete/", "model_name", "document"),
        Fill("admin/sites/", "pk", str(site.pk)),
        Fill("admin/users/", "pk", str(world["member"].pk)),
        Fill("admin/groups/", "pk", str(editors.pk)),
        Fill("admin/snippets/billing/tariff/", "pk", str(tariff.pk)),
        Fill("admin/snippets/billing/article/", "pk", str(article.pk)),
        Fill("admin/snippets/billing/feerate/", "pk", str(fee.pk)),
        Fill("admin/snippets/choose/billing/tariff/", "pk", str(tariff.pk)),
        Fill("admin/snippets/choose/billing/article/", "pk", str(article.pk)),
        Fill("admin/snippets/choose/billing/feerate/", "pk", str(fee.pk)),
        *_snippet_fills("expensecategory", category.pk),
        *_snippet_fills("budgetline", budget.pk),
        *_snippet_fills("penaltyrule", rule.pk),
        Fill("admin/documents/chooser/", "pk", str(doc.pk)),
        Fill("admin/images/chooser/", "pk", str(image)),
    ]
    rules.append(Fill("admin/billing/statement/queue/", "pk", str(BankTransaction.objects.get().pk)))
    rules.append(Fill("admin/billing/statement/", "batch_id", str(world["statement"].pk)))
    rules.append(Fill("admin/^billing/reconciliation/batches/", "pk", str(world["reconciliation_batch"].pk)))
    rules.append(Fill("admin/^reminders/", "pk", str(world["reminder_round"].pk)))
    rules.append(Fill("cabinet/^readings/photos/", "pk", str(world["reading_submission"].pk)))
    rules.append(Fill("admin/^meetings/person/", "instance_pk", str(world["person"].pk)))
    rules.append(Fill("admin/meetings/person/", "pk", str(world["person"].pk)))
    rules.append(Fill("admin/^meetings/meeting/", "instance_pk", str(world["meeting_published"].pk)))
    rules.append(Fill("admin/^meetings/meeting/delete/", "instance_pk", str(world["meeting_draft"].pk)))
    rules.append(Fill("admin/meetings/meeting/", "pk", str(world["meeting_published"].pk)))
    rules.append(Fill("admin/meetings/meeting/<int:pk>/publish/", "pk", str(world["meeting_draft"].pk)))
    rules.append(Fill("admin/meetings/meeting/<int:pk>/results/", "pk", str(world["meeting_closed"].pk)))
    rules.append(Fill("cabinet/^meetings/", "pk", str(world["meeting"].pk)))
    rules.append(Fill("admin/meetings/requests/", "pk", str(world["document_request"].pk)))
    rules.append(Fill("cabinet/^documents/files/", "pk", str(world["answer_file"].pk)))
    rules.append(Fill("admin/^meetings/meeting/", "pk", str(world["meeting_closed"].pk)))  # its protocol
    for model in (Plot, Meter, Reading, MainMeter, MainReading, Charge, Payment, BankTransaction, ImportBatch):
        obj = model.objects.filter(**({"number": SECRET_PLOT} if model is Plot else {})).order_by("pk").first()
        rules.append(Fill(f"admin/^billing/{model._meta.model_name}/", "instance_pk", str(obj.pk)))
    return rules


def _snippet_fills(model: str, pk: int) -> list[Fill]:
    return [
        Fill(f"admin/snippets/billing/{model}/", "pk", str(pk)),
        Fill(f"admin/snippets/choose/billing/{model}/", "pk", str(pk)),
    ]


def overrides(world) -> dict[str, str]:
    doc = get_document_model().objects.order_by("pk").first()
    return {
        "documents/^(\\d+)/(.*)$": f"/documents/{doc.pk}/{doc.filename}",
        "admin/^.*/$": "/admin/no-such-section/",
        "^((?:[\\w\\-]+/)*)$": "/no-such-page/",
    }


def page_key(page: Page) -> str:
    if not page.live:
        return "draft"
    if page.get_view_restrictions().exists():
        return "private"
    return page.specific_class._meta.label_lower


def leaked(response) -> list[str]:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [marker for marker in LEAK_MARKERS if marker in text]


def keep_logged_in(client, user) -> None:
    """Wagtail's logout view drops the session cookie even when it answers 405."""
    if user is not None and not getattr(client.cookies.get(settings.SESSION_COOKIE_NAME), "value", ""):
        client.force_login(user)


def role_clients(world, roles) -> dict[str, Client]:
    """A client per role, signed in as `world[role]` (none for «anonymous»), answering a view's
    exception with a 500 instead of raising it."""
    clients = {}
    for role in roles:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world[role])
        clients[role] = client
    return clients
