"""What pages, posts and the FAQ tell search engines: parseable JSON-LD of the right type,
a title that cannot close the script element, SEO fields with their fallbacks."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from .factories_pages import FaqItemFactory, FaqSectionFactory, PageFactory, PostFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
BREAKOUT = "</script><script>alert(1)</script>"


def _json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in JSON_LD.findall(html)]


def _meta(html: str, attribute: str, name: str) -> str:
    return re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html).group(1)


def test_a_post_has_blog_posting_json_ld_and_article_meta(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    published = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    post = PostFactory(
        slug="stacking",
        title="Stacking cashback",
        excerpt="Codes and cashback together.",
        published_at=published,
        cover_image=SimpleUploadedFile("cover.png", b"png", content_type="image/png"),
    )

    html = client.get(post.get_absolute_url()).content.decode()

    [data] = _json_ld(html)
    assert data == {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": "Stacking cashback",
        "description": "Codes and cashback together.",
        "datePublished": "2026-11-20T09:30:00Z",
        "dateModified": DjangoJSONEncoder().default(post.updated_at),
        "author": {"@type": "Person", "name": "Cleo Writer"},
        "publisher": {
            "@type": "Organization",
            "name": "SaveBucks",
            "url": settings.SITE_URL + "/",
        },
        "mainEntityOfPage": settings.SITE_URL + "/blog/stacking/",
        "image": [settings.SITE_URL + post.cover_image.url],
    }
    assert _meta(html, "property", "og:type") == "article"
    assert _meta(html, "property", "og:title") == "Stacking cashback"
    assert _meta(html, "property", "og:image") == settings.SITE_URL + post.cover_image.url
    assert '<link rel="canonical" href="' + settings.SITE_URL + '/blog/stacking/">' in html


def test_a_title_with_a_closing_script_tag_cannot_break_out_of_the_json_ld(client):
    post = PostFactory(title=BREAKOUT, excerpt=BREAKOUT)

    html = client.get(post.get_absolute_url()).content.decode()

    [data] = _json_ld(html)
    assert (data["@type"], data["headline"], data["description"]) == (
        "BlogPosting",
        BREAKOUT,
        BREAKOUT,
    )
    assert "<script>alert(1)" not in html


def test_the_faq_has_faq_page_json_ld_grouped_by_section_and_the_intro(client):
    PageFactory(slug="faq", title="Questions", body="Read this *first*.")
    cashback = FaqSectionFactory(title="Cashback", position=0)
    account = FaqSectionFactory(title="Account", position=1)
    FaqItemFactory(section=account, question="Close my account?", answer="From **profile**.")
    FaqItemFactory(section=cashback, question=BREAKOUT, answer="Within 48 hours.")
    FaqItemFactory(section=cashback, question="Hidden?", answer="x", is_published=False)

    answer = client.get(reverse("cms:faq"))
    html = answer.content.decode()

    [data] = _json_ld(html)
    assert data == {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": BREAKOUT,
                "acceptedAnswer": {"@type": "Answer", "text": "Within 48 hours."},
            },
            {
                "@type": "Question",
                "name": "Close my account?",
                "acceptedAnswer": {"@type": "Answer", "text": "From profile."},
            },
        ],
    }
    assert [section.title for section in answer.context["sections"]] == ["Cashback", "Account"]
    assert "<p>Read this <em>first</em>.</p>" in html and "Hidden?" not in html
    assert "<script>alert(1)" not in html


def test_page_seo_fields_win_over_the_fallbacks(client):
    plain = PageFactory(slug="plain", title="Plain", body="First paragraph **here**.")
    tuned = PageFactory(
        slug="tuned",
        title="Tuned",
        seo_title="Tuned for search",
        seo_description="What search engines show.",
        canonical_url="https://partner.example/original/",
    )

    plain_html = client.get(plain.get_absolute_url()).content.decode()
    tuned_html = client.get(tuned.get_absolute_url()).content.decode()

    assert "<title>Plain · SaveBucks</title>" in plain_html
    assert _meta(plain_html, "name", "description") == "First paragraph here."
    assert "<title>Tuned for search · SaveBucks</title>" in tuned_html
    assert _meta(tuned_html, "name", "description") == "What search engines show."
    assert _meta(tuned_html, "property", "og:title") == "Tuned for search"
    assert '<link rel="canonical" href="https://partner.example/original/">' in tuned_html


def test_the_faq_intro_page_has_one_url_the_faq(client):
    PageFactory(slug="faq", body="Intro")

    answer = client.get(reverse("cms:page", args=["faq"]))

    assert (answer.status_code, answer["Location"]) == (301, "/faq/")
