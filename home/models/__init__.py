from .announcements import AnnouncementAttachment, AnnouncementIndexPage, AnnouncementPage
from .contact import ContactFormField, ContactPage
from .pages import BoardMember, BoardPage, ContentPage, HomePage
from .settings import SiteSettings

__all__ = [
    "AnnouncementAttachment",
    "AnnouncementIndexPage",
    "AnnouncementPage",
    "BoardMember",
    "BoardPage",
    "ContactFormField",
    "ContactPage",
    "ContentPage",
    "HomePage",
    "SiteSettings",
]
