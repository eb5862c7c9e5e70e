"""Объявления: the index (paginated, newest first, with an RSS feed) and the announcements."""

import datetime
import re

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.cache import mark_page_number
from home.models.restrictions import view_restricted

ANNOUNCEMENTS_PER_PAGE = 10


def today() -> datetime.date:
    return timezone.localdate()


class AnnouncementIndexPage(RoutablePageMixin, Page):
    """The list of announcements; `rss/` below it is the feed."""

    intro = RichTextField("вступление", blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.AnnouncementPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "список объявлений"
        verbose_name_plural = "списки объявлений"

    @property
    def announcements(self):
        """Published announcements, newest first (pinned ones are not moved here: the list is a timeline)."""
        return AnnouncementPage.objects.live().filter(~view_restricted()).child_of(self).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.announcements, ANNOUNCEMENTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        mark_page_number(request, page_obj.number)
        context["paginator"] = paginator
        context["page_obj"] = page_obj
        context["announcements"] = page_obj.object_list
        context["feed_url"] = self.url + self.reverse_subpage("rss")
        return context

    @path("rss/", name="rss")
    def rss(self, request):
        from home.feeds import AnnouncementFeed

        return AnnouncementFeed()(request, index_page=self)


class AnnouncementPage(Page):
    date = models.DateField("дата", default=today)
    pinned = models.BooleanField("закрепить на главной", default=False)
    body = RichTextField(
        "текст",
        features=["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "image", "hr"],
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("pinned"),
        FieldPanel("body"),
        InlinePanel("attachments", label="вложение", heading="Вложения"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body"), index.FilterField("date")]

    parent_page_types = ["home.AnnouncementIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "объявление"
        verbose_name_plural = "объявления"

    @property
    def excerpt(self) -> str:
        """Plain text for lists and the feed: paragraphs kept apart, 40 words."""
        text = strip_tags(re.sub(r"</(p|li|h\d)>", " ", self.body))
        return Truncator(" ".join(text.split())).words(40)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = list(self.attachments.select_related("document"))
        context["index_page"] = self.get_parent()
        return context


class AnnouncementAttachment(Orderable):
    page = ParentalKey(AnnouncementPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="документ", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        "текст ссылки", max_length=255, blank=True, help_text="По умолчанию — название документа."
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "вложение"
        verbose_name_plural = "вложения"

    def __str__(self):
        return self.title or self.document.title
