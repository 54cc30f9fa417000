"""What accounts tell the rest of the product, sent after the change has committed."""

from django.dispatch import Signal

# referral_ids: referrals that just became active (the friend's first cashback confirmed).
referral_activated = Signal()

# user, where: the account's payout details just changed (support tells the holder, in
# the changing transaction, whatever their notification choices: security is locked on).
payout_details_changed = Signal()
