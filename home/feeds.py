"""RSS of the announcements, served by `AnnouncementIndexPage` at `<index>/rss/`."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.html import strip_tags

FEED_ITEMS = 20


class AnnouncementFeed(Feed):
    language = "ru"

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return kwargs["index_page"]

    def title(self, obj):
        return obj.title

    # Absolute URLs from the Site, never from the Host header: the page cache keys a feed on the
    # Site, so one visitor's Host must not end up in everyone's feed.
    def link(self, obj):
        return obj.get_full_url(self.request)

    def feed_url(self, obj):
        return obj.get_full_url(self.request) + obj.reverse_subpage("rss")

    def description(self, obj):
        return strip_tags(obj.intro) or obj.title

    def items(self, obj):
        return obj.announcements[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))
