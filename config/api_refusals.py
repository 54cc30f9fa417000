"""The domain refusals each API operation can answer, by operation id and HTTP status.

Services raise `Refusal` subclasses with codes chosen at the raise site, so which codes a
view can meet is not something the code can be asked; it is declared here, beside the
codes DRF itself gives (validation, authentication, throttling), which
config.api_schema works out from each view. The schema lists the union as the enum of
the operation's error `code`; the schema fuzz test and the generated-client test check
answers against it, so a code missing here fails them.
"""

from affiliates.outbound import UnsafeTarget
from config.money import AmountTooLarge, InvalidAmount
from wallet.services.ledger import InsufficientFunds

# What withdrawal_request refuses (wallet/services/withdrawals.py), shoppers and partners.
_WITHDRAWAL = (
    "email_not_verified",
    "bonus_not_withdrawable",  # BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK
    "method_unavailable",
    "below_minimum",
    "kyc_required",
    "missing_detail",
    "invalid_detail",
    "fee_exceeds_amount",
    InsufficientFunds.code,
    InvalidAmount.code,
    AmountTooLarge.code,
)
# link_check and _check_destination (affiliates/services/links.py).
_LINK_DESTINATION = ("destination_required", "unknown_macro", "invalid_url", "domain_not_allowed")
# postback_save (affiliates/services/deliveries.py), the URL checked by affiliates.outbound.
_POSTBACK_SAVE = (
    "unknown_macro",
    UnsafeTarget.code,
    "invalid_method",
    "goal_not_in_campaign",
    "campaign_not_open",
)

# Who may take free money (gamification/services/eligibility.py).
_BONUS_ELIGIBILITY = ("email_unverified", "account_inactive")

REFUSALS: dict[str, dict[int, tuple[str, ...]]] = {
    "v1_me_partial_update": {400: ("invalid",)},  # user_update: the model's own validation
    "v1_me_statement_list": {400: ("invalid_choice",)},
    # points_redeem (gamification/services/redemption.py).
    "v1_me_points_redeem_create": {
        400: ("below_minimum", "invalid"),
        403: ("email_unverified",),
        409: ("insufficient_points",),
    },
    "v1_me_withdrawals_create": {
        400: (*_WITHDRAWAL, "password_required", "wrong_password"),
        429: ("too_many_attempts",),
    },
    "v1_me_withdrawals_cancel_create": {409: ("not_cancellable",)},
    "v1_partner_links_create": {400: ("campaign_not_open", *_LINK_DESTINATION, "slug_taken")},
    "v1_partner_links_partial_update": {400: (*_LINK_DESTINATION, "invalid_status")},
    "v1_partner_links_destroy": {409: ("has_traffic",)},
    "v1_partner_payouts_create": {
        400: (
            "partner_not_approved",
            "no_payout_details",
            "nothing_payable",
            *_WITHDRAWAL,
        )
    },
    "v1_partner_postbacks_create": {400: (*_POSTBACK_SAVE, "too_many")},
    "v1_partner_postbacks_partial_update": {400: _POSTBACK_SAVE},
    "v1_partner_reports_list": {400: ("invalid_window", "invalid_choice")},
    # challenge_enter (gamification/services/challenges.py).
    "v1_challenges_entries_create": {
        400: ("invalid_url", "invalid"),
        403: ("email_not_verified",),
        409: ("already_entered", "challenge_closed"),
    },
    "v1_leaderboards_retrieve": {400: ("invalid_choice",)},
    # gamification/services/daily_bonus.py and bonus_codes.py
    "v1_me_daily_bonus_claim_create": {403: _BONUS_ELIGIBILITY, 409: ("already_claimed",)},
    "v1_me_bonus_codes_redeem_create": {
        400: ("code_expired",),
        403: (*_BONUS_ELIGIBILITY, "own_account"),
        404: ("unknown_code",),
        409: ("code_exhausted", "already_redeemed"),
        429: ("too_many_attempts",),
    },
    # support/services/tickets.py: ticket_open_by_requester and ticket_reply_requester.
    "v1_me_tickets_create": {400: ("blank", "invalid_choice"), 429: ("too_many_attempts",)},
    "v1_me_tickets_messages_create": {400: ("blank", "max_length"), 409: ("ticket_closed",)},
    # claim_file (support/services/claims.py).
    "v1_me_claims_create": {
        400: (
            "no_click",
            "invalid_date",
            "too_early",
            "too_late",
            "invalid_order_id",
            InvalidAmount.code,
            AmountTooLarge.code,
        ),
        404: ("not_found",),
        409: ("duplicate_claim", "already_tracked"),
        429: ("too_many_attempts",),
    },
    # The caller's Telegram link (accounts/services/telegram.py).
    "v1_me_telegram_link_create": {409: ("telegram_disabled",), 429: ("too_many_attempts",)},
    "v1_me_telegram_partial_update": {409: ("not_linked",)},
    # support/api_notifications.py: `before` and `page_size` out of range.
    "v1_me_notifications_retrieve": {400: ("invalid",)},
    # preferences_update (support/services/preferences.py) and the view's shape check.
    "v1_me_notification_preferences_update": {
        400: ("locked_preference", "unknown_category", "unknown_channel", "invalid"),
    },
    # cms/services/newsletter_subscribe.py and the per-IP limit (cms/api_newsletter.py).
    "v1_newsletter_subscribe_create": {
        400: ("invalid_email", "unknown_list"),
        429: ("too_many_attempts",),
    },
    # store/services/order_place.py (order_place), the gateway's checkout_start, and the
    # per-shopper limit store_order_account (store/api_orders.py).
    "v1_me_orders_create": {
        400: (
            "invalid",
            "unknown_variant",
            InsufficientFunds.code,
            "limit_exceeded",
            "kyc_required",
            "gateway_unavailable",
            "account_inactive",
            "below_minimum",  # the card part under the provider's minimum charge
        ),
        403: ("email_unverified",),
        409: ("out_of_stock", "idempotency_conflict"),
        429: ("too_many_attempts",),
        503: ("gateway_unavailable",),
    },
    # store/services/refunds.py (order_cancel).
    "v1_me_orders_cancel_create": {409: ("invalid_status",)},
    # store/services/reveal.py (item_reveal): store_reveal_account.
    "v1_me_orders_items_reveal_create": {429: ("too_many_attempts",)},
    # store/services/giftcards.py (gift_card_redeem) behind giftcard_redeem_account.
    "v1_me_gift_cards_redeem_create": {
        400: ("expired", "disabled", "email_unverified"),
        404: ("unknown_code",),
        409: ("already_redeemed",),
        429: ("too_many_attempts",),
    },
}
