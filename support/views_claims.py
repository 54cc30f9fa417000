"""The shopper's missing-cashback pages: my claims, one claim, the form (reached from a
click in Activity), and the proof download (the owner and support staff only)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from config.errors import Refusal, form_refused
from tracking.models import Click

from .access import is_support_staff
from .forms_claims import ClaimForm
from .models import MissingCashbackClaim
from .services.claims import claim_file, shopper_click


@login_required
def claim_list(request):
    claims = MissingCashbackClaim.objects.filter(user=request.user).select_related("merchant")
    return render(request, "support/claims/list.html", {"claims": claims[:100]})


@login_required
def claim_detail(request, pk: int):
    # Another shopper's claim is not found, never forbidden.
    claim = get_object_or_404(
        MissingCashbackClaim.objects.select_related("merchant", "ticket"), pk=pk, user=request.user
    )
    return render(request, "support/claims/detail.html", {"claim": claim})


def _clicks_on(user, merchant_id):
    """The shopper's recent clicks on the store, for the chooser (newest first)."""
    since = timezone.now() - timedelta(
        days=settings.CLAIM_MAX_AGE_DAYS + settings.CLAIM_CLICK_WINDOW_DAYS
    )
    return list(
        Click.objects.filter(user=user, merchant_id=merchant_id, created_at__gte=since)
        .select_related("merchant")
        .order_by("-created_at")[:50]
    )


@login_required
def claim_new(request):
    try:
        chosen = shopper_click(request.user, request.GET.get("click") or request.POST.get("click"))
    except Refusal as exc:
        raise Http404(exc.detail) from exc
    clicks = _clicks_on(request.user, chosen.merchant_id)
    if chosen.click_id not in {click.click_id for click in clicks}:
        clicks.insert(0, chosen)
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        clicks=clicks,
        initial={"click": str(chosen.click_id)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claim_file(
                user=request.user,
                click_uuid=data["click"],
                order_id=data["order_id"],
                order_date=data["order_date"],
                order_amount=data["order_amount"],
                proof=data["proof"],
            )
        except Refusal as exc:
            form_refused(form, _on_form_field(exc))
        else:
            messages.success(request, f"Claim filed: {claim.get_status_display()}.")
            return redirect("support:claims")
    return render(request, "support/claims/new.html", {"form": form, "click": chosen})


def _on_form_field(exc: Refusal) -> Refusal:
    """The service names API fields; the form calls the click field `click`."""
    if exc.field == "click_id":
        exc.field = "click"
    return exc


@login_required
def claim_proof(request, pk: int):
    claim = get_object_or_404(MissingCashbackClaim, pk=pk)
    if not (claim.user_id == request.user.pk or is_support_staff(request.user)) or not claim.proof:
        raise Http404("No such file.")
    try:
        handle = claim.proof.open("rb")
    except OSError:
        # The row outlived its file (a restore without the private files): not found.
        raise Http404("No such file.") from None
    response = FileResponse(
        handle, content_type=claim.proof_content_type or "application/octet-stream"
    )
    # Never rendered in our origin: a PDF or image is downloaded, not run.
    extension = claim.proof.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="claim-{claim.pk}-proof.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
