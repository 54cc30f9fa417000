"""Postback settings, their delivery log, and API keys: how partner systems connect."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.errors import form_refused

from ..forms import ApiKeyForm, PostbackForm
from ..models import ApiKey, PartnerPostback
from ..services.access import campaigns_open_to
from ..services.apikeys import ApiKeyRefused, api_key_create, api_key_revoke
from ..services.deliveries import (
    MACROS,
    PostbackRefused,
    postback_delete,
    postback_save,
    postback_send_test,
)
from .base import partner_page


@partner_page
def postbacks(request):
    partner = request.partner
    form = PostbackForm(request.POST or None, campaigns=campaigns_open_to(partner))
    if request.method == "POST" and form.is_valid():
        try:
            postback_save(partner=partner, **form.cleaned_data)
        except PostbackRefused as refused:
            form_refused(form, refused)
        else:
            messages.success(request, "Postback saved.")
            return redirect("affiliates:postbacks")
    return render(
        request,
        "affiliates/postbacks.html",
        {
            "form": form,
            "postbacks": PartnerPostback.objects.filter(partner=partner)
            .select_related("campaign", "goal")
            .order_by("created_at"),
            "macros": ["{" + macro + "}" for macro in MACROS],
            "limit": PartnerPostback.MAX_PER_PARTNER,
        },
    )


@partner_page
def postback_detail(request, pk):
    postback = get_object_or_404(PartnerPostback, pk=pk, partner=request.partner)
    deliveries = postback.deliveries.order_by("-created_at", "-id")
    return render(
        request,
        "affiliates/postback_detail.html",
        {
            "postback": postback,
            "page": Paginator(deliveries, 50).get_page(request.GET.get("page")),
        },
    )


@partner_page
@require_POST
def postback_test(request, pk):
    postback = get_object_or_404(PartnerPostback, pk=pk, partner=request.partner)
    delivery = postback_send_test(postback=postback)
    delivery.refresh_from_db()
    messages.info(request, f"Test sent: {delivery.get_status_display().lower()}.")
    return redirect("affiliates:postback", pk=postback.pk)


@partner_page
@require_POST
def postback_delete_view(request, pk):
    postback = get_object_or_404(PartnerPostback, pk=pk, partner=request.partner)
    postback_delete(postback=postback, actor=request.user)
    messages.success(request, "Postback deleted.")
    return redirect("affiliates:postbacks")


@partner_page
def api_keys(request):
    partner = request.partner
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_key = api_key_create(partner=partner, name=form.cleaned_data["name"])
        except ApiKeyRefused as refused:
            form_refused(form, refused)
        else:
            form = ApiKeyForm()
    # The new key is shown in this response only (never stored in a message or session).
    return render(
        request,
        "affiliates/api_keys.html",
        {
            "form": form,
            "new_key": new_key,
            "keys": ApiKey.objects.filter(partner=partner).order_by("-created_at"),
        },
    )


@partner_page
@require_POST
def api_key_revoke_view(request, pk):
    key = get_object_or_404(ApiKey, pk=pk, partner=request.partner)
    if api_key_revoke(key=key):
        messages.success(request, f"Key {key.prefix}… revoked: it stops working at once.")
    else:
        messages.info(request, "That key was already revoked.")
    return redirect("affiliates:api-keys")
