from .blog import Post, PostCategory, Tag
from .newsletter import (
    ConsentRecord,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterList,
    Subscription,
    Suppression,
)
from .pages import FaqItem, FaqSection, Page, PublishStatus, Revision
from .redirects import NotFoundEntry, RedirectRule

__all__ = [
    "ConsentRecord",
    "FaqItem",
    "FaqSection",
    "NewsletterDelivery",
    "NewsletterIssue",
    "NewsletterList",
    "NotFoundEntry",
    "Page",
    "Post",
    "PostCategory",
    "PublishStatus",
    "RedirectRule",
    "Revision",
    "Subscription",
    "Suppression",
    "Tag",
]
