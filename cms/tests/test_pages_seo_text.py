"""Descriptions and FAQ answers made from Markdown are plain text escaped exactly once
where they are printed, not HTML escaped again ("&amp;amp;"), and still cannot close
their attribute or script element."""

import json

import pytest
from django.urls import reverse

from .factories_pages import FaqItemFactory, PageFactory

pytestmark = pytest.mark.django_db

BODY = 'Fish & chips cost < 6 "euros" </script><script>alert(1)</script>'


def _json_ld(html: str) -> dict:
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_a_page_description_from_its_body_is_escaped_once(client):
    PageFactory(slug="chips", body=BODY, excerpt="", seo_description="")

    html = client.get(reverse("cms:page", args=["chips"])).content.decode()

    text = "Fish &amp; chips cost &lt; 6 &quot;euros&quot;"
    assert f'<meta name="description" content="{text}">' in html
    assert f'<meta property="og:description" content="{text}">' in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
    assert "<script>alert(1)" not in html


def test_a_faq_answer_in_json_ld_is_the_plain_text(client):
    FaqItemFactory(question="Chips?", answer=BODY)

    html = client.get(reverse("cms:faq")).content.decode()

    answer = _json_ld(html)["mainEntity"][0]["acceptedAnswer"]["text"]
    assert answer == 'Fish & chips cost < 6 "euros"'
    assert "\\u0026" in html and "<script>alert(1)" not in html
