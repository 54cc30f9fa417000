"""Staff-written pages and the FAQ."""

from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from . import selectors_content as content
from .content_seo import faq_page, page_seo
from .models import Page
from .models.pages import FAQ_INTRO_SLUG

FAQ_DESCRIPTION = "Answers about cashback, withdrawals and your SaveBucks account."


def wants_preview(request) -> bool:
    return request.GET.get("preview") == "1"


def previewed(response, preview: bool):
    # A draft must never sit in a shared cache where a shopper could be served it.
    if preview:
        add_never_cache_headers(response)
    return response


def page(request, slug):
    if slug == FAQ_INTRO_SLUG and not wants_preview(request):
        # The FAQ's intro is shown at /faq/ with its questions: one URL for that text.
        return redirect("cms:faq", permanent=True)
    row, preview = content.visible(
        Page.objects.all(), slug=slug, user=request.user, preview=wants_preview(request)
    )
    response = render(
        request,
        "cms/page.html",
        {"page": row, "preview": preview, "seo": page_seo(row, preview=preview)},
    )
    return previewed(response, preview)


def faq(request):
    intro = content.published_pages().filter(slug=FAQ_INTRO_SLUG).first()
    sections = content.faq_sections()
    # Without an intro page the FAQ still has a title and a description of its own.
    about = intro or Page(title="Frequently asked questions", body=FAQ_DESCRIPTION)
    return render(
        request,
        "cms/faq.html",
        {
            "intro": intro,
            "sections": sections,
            "seo": page_seo(about, structured_data=[faq_page(sections)]),
        },
    )
