"""What pages, posts and the FAQ tell search engines: SeoMeta and their JSON-LD."""

from html import unescape

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .markdown import render_markdown
from .selectors_content import author_name
from .seo import SeoMeta, absolute_url

DESCRIPTION_CHARS = 160


def _plain(markdown_text: str) -> str:
    # Text, not HTML: "Fish & chips", which the template and json_ld escape once each
    # (left as "&amp;" it reached search results as "Fish &amp;amp; chips").
    return " ".join(unescape(strip_tags(render_markdown(markdown_text))).split())


def _description(row) -> str:
    if row.seo_description:
        return row.seo_description
    return row.excerpt or Truncator(_plain(row.body)).chars(DESCRIPTION_CHARS)


def cover_url(post) -> str:
    return absolute_url(post.cover_image.url) if post.cover_image else ""


def page_seo(page, *, preview: bool = False, structured_data=()) -> SeoMeta:
    return SeoMeta(
        title=page.seo_title or page.title,
        description=_description(page),
        canonical_url=page.canonical_url,
        noindex=preview,
        structured_data=list(structured_data),
    )


def _publisher() -> dict:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"}


def blog_posting(post) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": _description(post),
        "datePublished": post.published_at,
        "dateModified": post.updated_at,
        "author": {"@type": "Person", "name": author_name(post)},
        "publisher": _publisher(),
        "mainEntityOfPage": post.canonical_url or absolute_url(post.get_absolute_url()),
    }
    if post.cover_image:
        data["image"] = [cover_url(post)]
    return data


def post_seo(post, *, preview: bool = False) -> SeoMeta:
    return SeoMeta(
        title=post.seo_title or post.title,
        description=_description(post),
        canonical_url=post.canonical_url,
        image_url=cover_url(post),
        og_type="article",
        noindex=preview,
        # A preview is not the post search engines should describe yet.
        structured_data=[] if preview else [blog_posting(post)],
    )


def faq_page(sections) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": _plain(item.answer)},
            }
            for section in sections
            for item in section.published_items
        ],
    }
