"""What accounts tell the rest of the product, sent after the change has committed."""

from django.dispatch import Signal

# referral_ids: referrals that just became active (the friend's first cashback confirmed).
referral_activated = Signal()

# user, where: the account's payout details just changed (support tells the holder, in
# the changing transaction, whatever their notification choices: security is locked on).
payout_details_changed = Signal()

# user: the account was just closed (it can no longer log in). Sent after commit: apps
# stop what they send to it (the newsletter unsubscribes its addresses).
account_closed = Signal()

# user_id, email: the closed account was anonymised; `email` is the address it had.
# Sent inside the purge's transaction: apps erase what they keep about that person.
account_purged = Signal()
