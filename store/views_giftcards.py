"""/gift-cards/redeem/: a SaveBucks gift card's value into the shopper's balance, by
typing its code, or with one button for a card sent to the shopper's verified email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from config.errors import Refusal, form_refused

from .forms import RedeemForm
from .models import GiftCard
from .selectors import gift_cards_sent_to
from .services.attempts import gift_card_redeem_attempt
from .services.giftcards import UnknownCode


@login_required
def gift_card_redeem_page(request):
    form = RedeemForm(request.POST if "code" in request.POST else None)
    if request.method == "POST":
        try:
            card = _redeem(request, form)
        except Refusal as exc:
            if form.is_bound:
                form_refused(form, exc)
            else:
                messages.error(request, exc.detail)
        else:
            if card is not None:
                messages.success(
                    request,
                    f"{card.currency} {card.remaining_value} added to your available balance.",
                )
                return redirect("store:redeem")
    return render(
        request,
        "store/redeem.html",
        {"form": form, "sent": list(gift_cards_sent_to(request.user)[:50])},
    )


def _redeem(request, form) -> GiftCard | None:
    if form.is_bound:
        if not form.is_valid():
            return None
        return gift_card_redeem_attempt(user=request.user, code=form.cleaned_data["code"])
    # A card sent to the shopper: found among theirs, or not at all.
    card_id = request.POST.get("card", "")
    card = (
        gift_cards_sent_to(request.user).filter(pk=int(card_id)).first()
        if card_id.isascii() and card_id.isdigit() and len(card_id) < 10
        else None
    )
    if card is None:
        raise UnknownCode(detail="That gift card is not one sent to you.")
    return gift_card_redeem_attempt(user=request.user, card=card)
