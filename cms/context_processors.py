from .models import Page


def footer_pages(request):
    # Lazy: the query runs only if a template renders the footer links.
    return {
        "footer_pages": Page.objects.filter(status=Page.Status.PUBLISHED, show_in_footer=True).only(
            "title", "slug"
        )
    }
