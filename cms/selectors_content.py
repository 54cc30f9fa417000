"""Reads of pages, posts and the FAQ for the site and the API: published rows for
everyone, a draft only for staff who may view it and ask for a preview."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from offers.models import Merchant

from .models import FaqItem, FaqSection, Page, Post, PublishStatus


def live_merchants() -> Prefetch:
    """A post's stores, live ones only, in one query for every post loaded with it; each
    row carries its own cashback terms (Merchant.cashback_label), read as it is now."""
    return Prefetch(
        "merchants", queryset=Merchant.objects.live().order_by("name"), to_attr="live_merchants"
    )


def posts() -> QuerySet[Post]:
    return Post.objects.select_related("author").prefetch_related(
        "categories", "tags", live_merchants()
    )


def published_posts() -> QuerySet[Post]:
    return posts().filter(status=PublishStatus.PUBLISHED).order_by("-published_at", "-pk")


def published_pages() -> QuerySet[Page]:
    return Page.objects.filter(status=PublishStatus.PUBLISHED)


def may_preview(user, model) -> bool:
    opts = model._meta
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def visible(queryset: QuerySet, *, slug: str, user, preview: bool):
    """(row, previewing): the published row with this slug; a draft or scheduled one only
    when a staff member who may view the model asked for a preview. Anyone else gets the
    same 404 as for a slug that does not exist, so a draft's existence does not leak."""
    row = queryset.filter(slug=slug).first()
    if row is None:
        raise Http404
    if row.status == PublishStatus.PUBLISHED:
        return row, False
    if preview and may_preview(user, queryset.model):
        return row, True
    raise Http404


def faq_sections() -> list[FaqSection]:
    """Sections that have published items, each with them as `published_items`."""
    items = FaqItem.objects.filter(is_published=True).order_by("position", "pk")
    sections = FaqSection.objects.prefetch_related(
        Prefetch("items", queryset=items, to_attr="published_items")
    )
    return [section for section in sections if section.published_items]


def author_name(post: Post) -> str:
    """The byline: the author's name, never their email address."""
    name = post.author.get_full_name() if post.author_id else ""
    return name or "The SaveBucks team"
