"""What the wallet tells the rest of the product, sent after the money has committed.

Receivers (notifications, emails) live in the apps that own them: the wallet never
imports support, affiliates or gamification.
"""

from django.dispatch import Signal

# event_ids: the cashback events that just became available.
cashback_confirmed = Signal()
# withdrawal_id, status: a withdrawal changed status.
withdrawal_status_changed = Signal()
# withdrawal, status: sent INSIDE the transaction that settles a withdrawal (paid, or its
# money returned), so that receivers' writes commit or roll back with it.
withdrawal_settled = Signal()
