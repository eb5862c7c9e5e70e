"""The home page, the StreamField content pages (Устав, Финансы, Помощь) and the board page."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.queries import CompiledQuery
from home.blocks import ContentBlocks

from .announcements import AnnouncementPage
from .restrictions import view_restricted

LATEST_ANNOUNCEMENTS = 5


def _announcements(path: str, depth: int, *, pinned: bool):
    """The public announcements under the page at `path`, newest first (`descendant_of`, spelled out)."""
    public = AnnouncementPage.objects.live().filter(~view_restricted(), pinned=pinned)
    return public.filter(path__startswith=path, depth__gt=depth).order_by("-date", "-pk")


_pinned_announcements = CompiledQuery(lambda path, depth: _announcements(path, depth, pinned=True))
_latest_announcements = CompiledQuery(
    lambda path, depth: _announcements(path, depth, pinned=False)[:LATEST_ANNOUNCEMENTS]
)


class HomePage(Page):
    """The site root: pinned and latest announcements, the way into the cabinet, contacts."""

    intro = RichTextField("вступление", blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.AnnouncementIndexPage",
        "home.ContentPage",
        "home.BoardPage",
        "home.ContactPage",
        "meetings.MeetingsPage",  # «Общие собрания», defined by members.meetings: a label, not an import
    ]
    max_count = 1

    class Meta:
        verbose_name = "главная страница"
        verbose_name_plural = "главные страницы"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["pinned_announcements"] = list(_pinned_announcements(self.path, self.depth))
        context["latest_announcements"] = list(_latest_announcements(self.path, self.depth))
        return context


class ContentPage(Page):
    """A page of headings, text, images, documents and tables: Устав, Финансы, Помощь, согласие."""

    intro = models.TextField("краткое описание", blank=True)
    body = StreamField(ContentBlocks(), verbose_name="содержание", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = [
        "home.ContentPage",
        "billing.FinancePage",  # under «Финансы»
        "billing.LineBalancePage",
        "meetings.MeetingsPage",  # e.g. under «Документы»
    ]

    class Meta:
        verbose_name = "страница с текстом"
        verbose_name_plural = "страницы с текстом"


class BoardPage(Page):
    """Правление: who is on the board and when they receive members."""

    intro = RichTextField("вступление", blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("members", label="член правления", heading="Состав правления"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.RelatedFields("members", [index.SearchField("name"), index.SearchField("role")]),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "страница правления"
        verbose_name_plural = "страницы правления"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["board_members"] = list(self.members.select_related("photo"))
        return context


class BoardMember(Orderable):
    page = ParentalKey(BoardPage, on_delete=models.CASCADE, related_name="members")
    role = models.CharField("должность", max_length=100)
    name = models.CharField("ФИО", max_length=255)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="фотография",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    reception_hours = models.CharField("часы приёма", max_length=255, blank=True)

    panels = [
        FieldPanel("role"),
        FieldPanel("name"),
        FieldPanel("photo"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("reception_hours"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "член правления"
        verbose_name_plural = "члены правления"

    def __str__(self):
        return f"{self.role}: {self.name}"
