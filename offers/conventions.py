"""How well-known affiliate networks name postback parameters and statuses.

One preset per network, written from that network's own documentation: which of its
macros fills each of our parameters, under which parameter name, and what its status
values mean. The aliases and status map a network uses, the admin's "postback URL to
paste", the README's table and the tests are all read from here, so they cannot drift.
A network's own aliases and status map (set by staff) are applied on top.

Our parameters: click_id, txn_id, sale_amount, commission, currency, status, sale_date,
category, token. Our statuses: pending, approved, rejected, reversed. A "rejected" for an
event already approved is taken as a reversal by the status-by-state table (tracking),
so "declined"/"rejected" codes map to rejected and only an explicit reversal to reversed.

Where the documentation we could reach names no macro for something, the preset says so
beside it and uses the name most commonly published for that network; a macro a network
does not know is sent literally and refused by us, so test-fire the URL before going live.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

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
    "adjustment_id",
)
OUR_STATUSES = ("pending", "approved", "rejected", "reversed")
# Shown in place of the token: only its hash is stored, and it is shown once, when made.
TOKEN_PLACEHOLDER = "<your token>"  # noqa: S105 - a placeholder, never a token


@dataclass(frozen=True)
class Param:
    """One parameter of the URL to paste: `name=macro`, read as our `ours`."""

    name: str  # the parameter name in the URL (the network's own name for the value)
    ours: str
    macro: str  # written as the network writes its placeholders


@dataclass(frozen=True)
class Preset:
    label: str
    params: tuple[Param, ...]
    # The network's status values → ours; every value it is documented to send.
    statuses: dict[str, str]
    # Other names the network uses for one of ours (older URLs, report columns).
    extra_aliases: dict[str, str] = field(default_factory=dict)

    @property
    def aliases(self) -> dict[str, str]:
        return {
            **self.extra_aliases,
            **{p.name: p.ours for p in self.params if p.name != p.ours},
        }

    def query_template(self) -> str:
        """The query string to paste, macros unencoded: networks substitute them as written."""
        return "&".join(
            [f"token={TOKEN_PLACEHOLDER}", *(f"{p.name}={p.macro}" for p in self.params)]
        )

    def fill(self, url: str, values: dict[str, str], *, token: str) -> str:
        """`url` (one pasted from this preset) as the network sends it once it has put
        values in place of its macros; `values` are keyed by our parameter names."""
        endpoint, _, query = url.partition("?")
        by_macro = {p.macro: p.ours for p in self.params}
        filled = []
        for part in query.split("&"):
            name, _, macro = part.partition("=")
            value = token if macro == TOKEN_PLACEHOLDER else values[by_macro[macro]]
            filled.append(f"{name}={quote(value, safe='')}")
        return f"{endpoint}?{'&'.join(filled)}"


P = Param  # the presets below read as tables: P(their name, ours, their macro)


PRESETS: dict[str, Preset] = {
    # Our own names: the network fills each with whatever its macro is.
    "custom": Preset(
        label="your network",
        params=(
            P("click_id", "click_id", "<click id>"),
            P("txn_id", "txn_id", "<conversion id>"),
            P("sale_amount", "sale_amount", "<sale amount>"),
            P("commission", "commission", "<commission>"),
            P("currency", "currency", "<currency>"),
            P("status", "status", "<status>"),
            P("sale_date", "sale_date", "<sale time>"),
        ),
        statuses={s: s for s in OUR_STATUSES},
    ),
    # Everflow partner postback. {transaction_id} is Everflow's click id: one click can
    # convert twice, so the conversion is {conversion_id}; our click id rides in sub1
    # (the tracking link carries sub1=<our click id>). {sale_amount} is the order value,
    # {payout} our commission. Conversion statuses are approved, pending, rejected and
    # invalid (Everflow's own). The partner macros for currency and status are not in the
    # pages we reached: {currency} and {status} are the names commonly published. No sale
    # time: {conversion_unix_timestamp} is a report field, not a documented macro; add
    # sale_date={...} once confirmed (the alias below reads it).
    "everflow": Preset(
        label="Everflow",
        params=(
            P("sub1", "click_id", "{sub1}"),
            P("conversion_id", "txn_id", "{conversion_id}"),
            P("sale_amount", "sale_amount", "{sale_amount}"),
            P("payout", "commission", "{payout}"),
            P("currency", "currency", "{currency}"),
            P("status", "status", "{status}"),
        ),
        statuses={
            "pending": "pending",
            "approved": "approved",
            "rejected": "rejected",
            "invalid": "rejected",
        },
        extra_aliases={"conversion_unix_timestamp": "sale_date"},
    ),
    # TUNE (HasOffers) affiliate postback. Our click id goes in the tracking link as
    # aff_click_id (aff_sub also works: older URLs). {transaction_id} is TUNE's session
    # id, the only conversion id its affiliate macros carry: TUNE records one conversion
    # per session, so that is one sale per click here too. {payout} is our commission,
    # {sale_amount} the order value, {datetime} "YYYY-MM-DD HH:MM:SS". The {currency} and
    # {status} macros (approved / pending / rejected) are the names commonly published;
    # the TUNE pages we reached do not list them.
    "tune": Preset(
        label="TUNE / HasOffers",
        params=(
            P("aff_click_id", "click_id", "{aff_click_id}"),
            P("transaction_id", "txn_id", "{transaction_id}"),
            P("sale_amount", "sale_amount", "{sale_amount}"),
            P("payout", "commission", "{payout}"),
            P("currency", "currency", "{currency}"),
            P("status", "status", "{status}"),
            P("datetime", "sale_date", "{datetime}"),
        ),
        statuses={"pending": "pending", "approved": "approved", "rejected": "rejected"},
        extra_aliases={"aff_sub": "click_id"},
    ),
    # Affise affiliate postback. Affise has no click-id macro for affiliates: our click id
    # rides in sub1. {transactionid} is the conversion id, {order_sum} the order value
    # ("conversion price"), {sum} the payout (our commission), {currency} the payout's
    # currency, {timestamp} the conversion time in Unix seconds. {status}: 1 approved,
    # 2 pending, 3 declined, 5 approved but on hold (money not released yet: pending).
    "affise": Preset(
        label="Affise",
        params=(
            P("sub1", "click_id", "{sub1}"),
            P("transactionid", "txn_id", "{transactionid}"),
            P("order_sum", "sale_amount", "{order_sum}"),
            P("sum", "commission", "{sum}"),
            P("currency", "currency", "{currency}"),
            P("status", "status", "{status}"),
            P("timestamp", "sale_date", "{timestamp}"),
        ),
        statuses={"1": "approved", "2": "pending", "3": "rejected", "5": "pending"},
    ),
    # CAKE affiliate postback: tokens are #name#. s2 is CAKE's slot for a partner's click
    # id; #leadid# is CAKE's own conversion id (#tid# is the advertiser's and may be
    # empty); #price# is the payout; #utcunixtime# the conversion time. CAKE's tokens
    # carry no sale amount (percentage cashback is then the store's shopper share of the
    # commission), no currency and no status: each postback is a new, pending sale.
    "cake": Preset(
        label="CAKE",
        params=(
            P("s2", "click_id", "#s2#"),
            P("leadid", "txn_id", "#leadid#"),
            P("price", "commission", "#price#"),
            P("utcunixtime", "sale_date", "#utcunixtime#"),
        ),
        statuses={},
    ),
    # Post Affiliate Pro "Call URL from server" tracking code: variables are {$name}.
    # Our click id rides in data1; {$orderid}, {$totalcost} (the order value), {$commission}
    # and {$status}: A approved, P pending, D declined. No currency variable is documented
    # (PAP reports in the merchant's currency); the sale time variable ({$dateinserted},
    # the transaction's column) is not confirmed, so it is read if sent but not pasted.
    "pap": Preset(
        label="Post Affiliate Pro",
        params=(
            P("data1", "click_id", "{$data1}"),
            P("orderid", "txn_id", "{$orderid}"),
            P("totalcost", "sale_amount", "{$totalcost}"),
            P("commission", "commission", "{$commission}"),
            P("status", "status", "{$status}"),
        ),
        statuses={"A": "approved", "P": "pending", "D": "rejected"},
        extra_aliases={"dateinserted": "sale_date"},
    ),
    # impact.com partner postback (Action Tracker / action lifecycle events), macros are
    # PascalCase. Our click id goes in the tracking link as subId1 and comes back as
    # {SubId1}; {ActionId} is the action; {Amount} the sale amount, {Payout} our
    # commission, {Currency}, {EventDate} (ISO 8601 with offset). The status macro is
    # {Status}: PENDING, APPROVED, REVERSED (sent as the action moves; a brand can also
    # change Amount/Payout of a pending action). REVERSED maps to reversed: for a pending
    # sale the status-by-state table makes it a rejection.
    "impact": Preset(
        label="impact.com",
        params=(
            P("SubId1", "click_id", "{SubId1}"),
            P("ActionId", "txn_id", "{ActionId}"),
            P("Amount", "sale_amount", "{Amount}"),
            P("Payout", "commission", "{Payout}"),
            P("Currency", "currency", "{Currency}"),
            P("ActionStatus", "status", "{Status}"),
            P("EventDate", "sale_date", "{EventDate}"),
        ),
        statuses={"PENDING": "pending", "APPROVED": "approved", "REVERSED": "reversed"},
        extra_aliases={"Status": "status"},
    ),
    # Admitad publisher postback: macros are [[[name]]]. [[[subid]]] carries our click id,
    # [[[order_id]]] the order, [[[order_sum]]] its amount, [[[payment_sum]]] our
    # earnings, [[[currency]]] the program's currency, [[[time]]] the action time in Unix
    # seconds. Status values are Admitad's action statuses (pending, approved, declined,
    # approved_but_stalled: approved but not yet paid by the advertiser, so pending here);
    # the postback page we reached lists the statuses to send on, not their spelling.
    "admitad": Preset(
        label="Admitad",
        params=(
            P("subid", "click_id", "[[[subid]]]"),
            P("order_id", "txn_id", "[[[order_id]]]"),
            P("order_sum", "sale_amount", "[[[order_sum]]]"),
            P("payment_sum", "commission", "[[[payment_sum]]]"),
            P("currency", "currency", "[[[currency]]]"),
            P("status", "status", "[[[status]]]"),
            P("time", "sale_date", "[[[time]]]"),
        ),
        statuses={
            "pending": "pending",
            "approved": "approved",
            "declined": "rejected",
            "approved_but_stalled": "pending",
        },
    ),
    # Awin transaction notifications (GET), placeholders are !!!name!!!: our click id in
    # clickRef, !!!transactionId!!!, !!!transactionAmount!!! (the sale, in the program's
    # currency !!!transactionCurrency!!!), !!!commission!!!, !!!transactionDate!!!
    # ("YYYY-MM-DD HH:MM:SS" in UTC, which is our TIME_ZONE). A notification is sent when a
    # transaction is recorded and has no status placeholder: it is a pending sale. Later
    # statuses come from the transactions report (pending, approved, declined, deleted),
    # whose rows use the same map; commissionStatus is that report's name for it.
    "awin": Preset(
        label="Awin",
        params=(
            P("clickRef", "click_id", "!!!clickRef!!!"),
            P("transactionId", "txn_id", "!!!transactionId!!!"),
            P("transactionAmount", "sale_amount", "!!!transactionAmount!!!"),
            P("commission", "commission", "!!!commission!!!"),
            P("transactionCurrency", "currency", "!!!transactionCurrency!!!"),
            P("transactionDate", "sale_date", "!!!transactionDate!!!"),
        ),
        statuses={
            "pending": "pending",
            "approved": "approved",
            "declined": "rejected",
            "deleted": "rejected",
        },
        extra_aliases={"commissionStatus": "status"},
    ),
}

# The shape the postback service and the log redaction read.
CONVENTIONS: dict[str, dict[str, dict[str, str]]] = {
    name: {"aliases": preset.aliases, "statuses": preset.statuses}
    for name, preset in PRESETS.items()
}


def postback_url_to_paste(convention: str, endpoint: str) -> str:
    """The URL to paste into the network: `endpoint` is our absolute postback URL for it."""
    return f"{endpoint}?{PRESETS[convention].query_template()}"
