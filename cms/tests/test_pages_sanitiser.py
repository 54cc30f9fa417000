"""Staff Markdown reaches shoppers only sanitised: on the page, on a post, in the FAQ and
in the API's body_html, scripts, event handlers, javascript:/data: URLs and iframes are
gone while ordinary Markdown stays."""

import pytest
from django.urls import reverse

from .factories_pages import FaqItemFactory, PageFactory, PostFactory

pytestmark = pytest.mark.django_db

HOSTILE = """# Title

Normal *emphasis* and [a link](https://example.com).

<script>alert('x')</script>

<img src="x.png" onerror="alert(2)">

[click](javascript:alert(3))

![pixel](data:image/png;base64,AAAA)

<iframe src="https://evil.example/frame"></iframe>

<a href="https://ok.example/" onclick="alert(4)">ok</a>

- one
- two
"""

LINK = '<a href="https://example.com" rel="noopener noreferrer">a link</a>'
CLEAN = f"""<h1>Title</h1>
<p>Normal <em>emphasis</em> and {LINK}.</p>


<p><img src="x.png"></p>
<p><a rel="noopener noreferrer">click</a></p>
<p><img alt="pixel"></p>


<p><a href="https://ok.example/" rel="noopener noreferrer">ok</a></p>
<ul>
<li>one</li>
<li>two</li>
</ul>"""

NEVER = ("alert(", "<script", "onerror", "onclick", "javascript:", "data:image", "<iframe", "evil")


def _article(html: str, marker: str = "page") -> str:
    return html.split(f'data-test="{marker}"', 1)[1].split("</article>", 1)[0]


def _leaks(html: str, marker: str) -> list[str]:
    """What of the hostile text is left: in the article, and anywhere on the page apart
    from the site's own script elements."""
    article = _article(html, marker)
    return [word for word in NEVER if word in article or (word != "<script" and word in html)]


def test_a_hostile_page_is_shown_sanitised_with_its_markdown_kept(client):
    PageFactory(slug="hostile", body=HOSTILE)

    html = client.get(reverse("cms:page", args=["hostile"])).content.decode()

    assert CLEAN in _article(html)
    assert _leaks(html, "page") == []


def test_the_api_body_html_is_the_same_sanitised_html_and_body_the_source(client):
    PageFactory(slug="hostile", body=HOSTILE)

    body = client.get(reverse("api-page", args=["hostile"])).json()

    assert body["body_html"] == CLEAN
    assert body["body"] == HOSTILE


def test_a_hostile_post_and_faq_answer_are_sanitised_too(client):
    PostFactory(slug="hostile", body=HOSTILE)
    FaqItemFactory(answer=HOSTILE)

    post = client.get(reverse("cms:post", args=["hostile"])).content.decode()
    api = client.get(reverse("api-post", args=["hostile"])).json()
    faq = client.get(reverse("cms:faq")).content.decode()

    assert CLEAN in _article(post, "post") and CLEAN in _article(faq, "faq")
    assert api["body_html"] == CLEAN
    assert _leaks(post, "post") == [] and _leaks(faq, "faq") == []
