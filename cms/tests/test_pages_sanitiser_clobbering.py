"""Markdown cannot take over the site's own elements without any script: ids are
prefixed (no clobbering of the coupon code site.js reads by id, of a form field or of a
global JS name), in-page links follow the prefix, and classes from the site's CSS (an
overlay) are dropped; only fenced code's language class stays."""

import pytest
from django.urls import reverse

from cms.markdown import render_markdown

from .factories_pages import PageFactory

pytestmark = pytest.mark.django_db

CLOBBER = """<div id="code-12">FAKE-CODE</div>

<span id="csrftoken">x</span> [top](#top) <a id="top">anchor</a>

<code class="position-fixed top-0 w-100 h-100 modal">overlay</code>

Note[^1].

[^1]: A footnote.

```python
print(1)
```
"""


def test_ids_are_prefixed_and_classes_are_dropped_on_the_page_and_in_the_api(client):
    PageFactory(slug="clobber", body=CLOBBER)

    html = client.get(reverse("cms:page", args=["clobber"])).content.decode()
    api = client.get(reverse("api-page", args=["clobber"])).json()

    article = html.split('data-test="page"', 1)[1].split("</article>", 1)[0]
    assert api["body_html"] in article
    assert '<div id="md-code-12">FAKE-CODE</div>' in article
    assert '<span id="md-csrftoken">x</span>' in article
    assert '<a href="#md-top" rel="noopener noreferrer">top</a>' in article
    assert '<a id="md-top" rel="noopener noreferrer">anchor</a>' in article
    assert "<p><code>overlay</code></p>" in article
    assert '<code class="language-python">print(1)' in article
    assert 'id="code-12"' not in html
    assert "position-fixed" not in html


def test_footnote_links_still_reach_their_notes():
    html = render_markdown("Note[^1].\n\n[^1]: A footnote.")

    assert '<sup id="md-fnref:1"><a href="#md-fn:1" rel="noopener noreferrer">1</a></sup>' in html
    assert '<li id="md-fn:1">' in html
    assert 'href="#md-fnref:1"' in html


def test_an_already_prefixed_id_or_link_is_not_prefixed_twice():
    assert render_markdown('<p id="md-x"><a href="#md-x">y</a></p>') == (
        '<p id="md-x"><a href="#md-x" rel="noopener noreferrer">y</a></p>'
    )
