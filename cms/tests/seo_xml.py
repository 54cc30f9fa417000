"""Reading our own sitemaps in tests."""

from xml.etree import ElementTree

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_root(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    # Our own view's output in a test, not data from outside: no XML bombs to fear.
    return ElementTree.fromstring(response.content)  # noqa: S314


def sitemap_locs(response) -> list[str]:
    return [loc.text for loc in sitemap_root(response).iterfind(".//sm:loc", NS)]


def sitemap_lastmods(response) -> dict[str, str]:
    return {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in sitemap_root(response).iterfind("sm:url", NS)
    }
