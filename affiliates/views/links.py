from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from config.errors import form_refused

from ..forms import LinkForm
from ..models import Link
from ..permissions import Action
from ..services.access import campaigns_open_to
from ..services.links import LINK_MACROS, LinkRefused, link_create, link_update
from .base import partner_page


def _promotable(partner):
    return campaigns_open_to(partner).filter(status=Campaign.Status.ACTIVE).order_by("name")


@partner_page(post=Action.LINKS)
def links(request):
    partner = request.partner
    form = LinkForm(
        request.POST or None,
        campaigns=_promotable(partner),
        initial={"campaign": request.GET.get("campaign")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = link_create(partner=partner, **form.cleaned_data)
        except LinkRefused as refused:
            form_refused(form, refused)
        else:
            messages.success(request, f"Link “{link.name}” is ready: copy it below.")
            return redirect(f"{request.path}#link-{link.pk}")
    page = Paginator(
        Link.objects.filter(partner=partner).select_related("campaign").order_by("-created_at"),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "affiliates/links.html",
        {"form": form, "page": page, "macros": LINK_MACROS},
    )


@partner_page(action=Action.LINKS)
@require_POST
def link_status(request, pk):
    link = get_object_or_404(Link, pk=pk, partner=request.partner)
    status = request.POST.get("status", "")
    try:
        link_update(link=link, data={"status": status})
    except LinkRefused as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, f"“{link.name}” is {link.get_status_display().lower()}.")
    return redirect("affiliates:links")
