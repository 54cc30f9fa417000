"""How well-known affiliate networks name postback parameters and statuses.

A network picks a convention; its own aliases and status map (set by staff) are applied on
top. Keys are the network's names, values ours: click_id, txn_id, sale_amount,
commission, currency, status, sale_date, category, token; statuses pending, approved,
rejected, reversed.
"""

OUR_PARAMS = (
    "token",
    "click_id",
    "txn_id",
    "sale_amount",
    "commission",
    "currency",
    "status",
    "sale_date",
    "category",
)
OUR_STATUSES = ("pending", "approved", "rejected", "reversed")

CONVENTIONS: dict[str, dict[str, dict[str, str]]] = {
    "custom": {"aliases": {}, "statuses": {}},
    # Everflow: {transaction_id}, sub1 to sub5 (we put the click id in sub1), {sale_amount},
    # {payout}; statuses approved / rejected / pending / invalid.
    "everflow": {
        "aliases": {"sub1": "click_id", "transaction_id": "txn_id", "payout": "commission"},
        "statuses": {"invalid": "rejected"},
    },
    # TUNE (HasOffers): aff_sub carries our click id; transaction_id; payout.
    "tune": {
        "aliases": {"aff_sub": "click_id", "transaction_id": "txn_id", "payout": "commission"},
        "statuses": {},
    },
    # Affise: clickid, action_id, sum, payout; status codes 1 approved, 2 pending,
    # 3 declined, 5 hold (still pending for us).
    "affise": {
        "aliases": {
            "clickid": "click_id",
            "action_id": "txn_id",
            "sum": "sale_amount",
            "payout": "commission",
        },
        "statuses": {"1": "approved", "2": "pending", "3": "rejected", "5": "pending"},
    },
    # CAKE: #s2# carries our click id, #tid# the transaction, #price# the payout.
    "cake": {
        "aliases": {"s2": "click_id", "tid": "txn_id", "price": "commission"},
        "statuses": {},
    },
    # Post Affiliate Pro: {$data1} carries our click id; {$orderid}, {$totalcost},
    # {$commission}; status A (approved), P (pending), D (declined).
    "pap": {
        "aliases": {"data1": "click_id", "orderid": "txn_id", "totalcost": "sale_amount"},
        "statuses": {"A": "approved", "P": "pending", "D": "rejected"},
    },
}
