"""The blog: the list of published posts (all, by category, by tag) and one post."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors_content as content
from .content_seo import post_seo
from .models import PostCategory, Tag
from .seo import SeoMeta
from .views_pages import previewed, wants_preview

PAGE_SIZE = 10


def _list(request, queryset, *, heading: str, seo: SeoMeta, **context):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "cms/blog/list.html", {"page": page, "heading": heading, "seo": seo, **context}
    )


def blog(request):
    return _list(
        request,
        content.published_posts(),
        heading="Blog",
        seo=SeoMeta(
            title="The SaveBucks blog",
            description="Cashback tips, store guides and the best deals of the season.",
        ),
    )


def category(request, slug):
    row = get_object_or_404(PostCategory, slug=slug)
    return _list(
        request,
        content.published_posts().filter(categories=row),
        heading=row.name,
        seo=SeoMeta(title=f"{row.name} · Blog", description=f"Posts about {row.name}."),
        category=row,
    )


def tag(request, slug):
    row = get_object_or_404(Tag, slug=slug)
    return _list(
        request,
        content.published_posts().filter(tags=row),
        heading=f"Tagged “{row.name}”",
        seo=SeoMeta(title=f"{row.name} · Blog", description=f"Posts tagged {row.name}."),
        tag=row,
    )


def post(request, slug):
    row, preview = content.visible(
        content.posts(), slug=slug, user=request.user, preview=wants_preview(request)
    )
    response = render(
        request,
        "cms/blog/post.html",
        {
            "post": row,
            "preview": preview,
            "author_name": content.author_name(row),
            "seo": post_seo(row, preview=preview),
        },
    )
    return previewed(response, preview)
