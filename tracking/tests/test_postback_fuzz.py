"""Hypothesis against both postback endpoints: whatever a sender puts in the query, the
form, a JSON body or the signature headers, the answer is JSON and never a 5xx; without
the right token nothing is recorded and no money moves; with it, the books still balance
and the platform never owes a shopper more than the network pays it.

Generation is derandomized, so a run is repeatable; raise EXAMPLES locally to search
harder.
"""

import json
import string
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from affiliates.models import Conversion, Link
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.tokens import hash_token
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import PostbackLog
from wallet.models import CashbackEvent, Entry, Transaction
from wallet.services.audit import wallet_audit

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = 150
CAMPAIGN_TOKEN = "campaign-token-fuzz-0001"
OTHER_TOKEN = "someone-elses-token-9876"  # a real token, of another network and campaign

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values a sender might put anywhere: junk, edge-case numbers, the statuses of several
# conventions, NUL bytes and other control characters, very long strings.
ODD_VALUES = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "0.001",
    "0.005",
    "1e3",
    "1E+400",
    "NaN",
    "-Infinity",
    "99999999999999.99",
    "100000000000000",
    "1,5",
    "1_000",
    "\uff10.\uff15",  # fullwidth digits
    "null",
    "[]",
    "{}",
    "\x00",
    "a\x00b",
    "\u202e",
    "approved",
    "APPROVED",
    "pending",
    "rejected",
    "reversed",
    "declined",
    "1",
    "2",
    "3",
    "5",
    "A",
    "D",
    "P",
    "USD",
    "usd",
    "EUR",
    "x" * 300,
]
VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.uuids().map(str),
)
NAMES = [
    "token",
    "click_id",
    "txn_id",
    "sale_amount",
    "commission",
    "currency",
    "status",
    # Other conventions' names for the same things.
    "subid",
    "sub1",
    "aff_sub",
    "transaction_id",
    "payout",
    "amount",
    "goal",
    "ip",
]
SALE = {"sale_amount": "100.00", "commission": "8.00"}
CONVERSION = {"goal": "FUZZGOAL01", "amount": "50.00"}
PRINTABLE = st.text(alphabet=string.printable.strip() + " ", max_size=80)


@st.composite
def postbacks(draw, *, tokens, base, click_ids):
    """(method, params, body, content type, headers) of one postback: a correct one
    (`base`, for one of `click_ids` and one of a few txn ids, so that repeats and status
    changes happen too) with parameters changed, added and dropped."""
    params = {
        **base,
        "click_id": str(draw(st.sampled_from(click_ids))),
        "txn_id": draw(st.sampled_from(["T1", "T2", "T3"])),
    }
    params.update(
        draw(
            st.dictionaries(
                st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12)),
                VALUES,
                max_size=6,
            )
        )
    )
    for name in draw(st.sets(st.sampled_from(sorted(params)), max_size=2)):
        del params[name]
    token = draw(tokens)
    if token is None:
        params.pop("token", None)
    else:
        params["token"] = token
    headers = {}
    if draw(st.booleans()):
        headers["HTTP_X_POSTBACK_SIGNATURE"] = draw(PRINTABLE)
        headers["HTTP_X_POSTBACK_TIMESTAMP"] = draw(
            st.one_of(PRINTABLE, st.integers(min_value=-(2**70), max_value=2**70).map(str))
        )
    how = draw(st.sampled_from(["get", "form", "json", "raw"]))
    if how == "get":
        return "get", params, None, None, headers
    if how == "form":
        return "post", params, None, None, headers
    if how == "json":
        extra = draw(
            st.dictionaries(
                st.sampled_from(NAMES),
                st.one_of(
                    st.none(),
                    st.booleans(),
                    st.integers(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.lists(st.integers(), max_size=3),
                    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                ),
                max_size=4,
            )
        )
        body = json.dumps({**params, **extra})
        return "post", None, body, "application/json", headers
    # A body that is no form and no JSON object, the parameters in the query string.
    body = draw(st.one_of(st.binary(max_size=200), st.sampled_from([b"[1, 2]", b'"x"', b"{"])))
    content_type = draw(
        st.sampled_from(
            [
                "application/json",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "multipart/form-data; boundary=x",
            ]
        )
    )
    return "post", params, body, content_type, headers


def _send(client, url, request):
    method, params, body, content_type, headers = request
    if method == "get":
        return client.get(url, params, **headers)
    if body is None:
        return client.post(url, params, **headers)
    if params:
        url = f"{url}?{urlencode(params)}"
    return client.post(url, body, content_type=content_type, **headers)


def _money():
    return (
        CashbackEvent.objects.count(),
        Conversion.objects.count(),
        Transaction.objects.count(),
        Entry.objects.count(),
    )


def _assert_json_4xx(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response.json()["status"] == "error"


# --- network postbacks -----------------------------------------------------------------


@pytest.fixture
def networks():
    """A click on a token network, a network that also takes HMAC signatures, and a
    network with another token."""
    click = ClickFactory()
    signed = NetworkFactory(hmac_secret="fuzz-hmac-secret")
    ClickFactory(merchant=MerchantFactory(network=signed))
    other = NetworkFactory(postback_token_hash=hash_token(OTHER_TOKEN))
    return {"click": click, "slugs": [click.merchant.network.slug, signed.slug, other.slug]}


def test_a_network_postback_without_the_token_records_nothing(networks):
    client = Client()  # one for all examples: each new one sets up the middleware again
    not_the_token = st.one_of(
        st.none(),
        st.just(OTHER_TOKEN),
        st.just(NETWORK_TOKEN.upper()),
        st.just(NETWORK_TOKEN[:-1]),
        VALUES.filter(lambda value: value != NETWORK_TOKEN),
    )
    slugs = st.sampled_from([*networks["slugs"], "no-such-network"])

    @FUZZ
    @given(
        slug=slugs,
        request=postbacks(tokens=not_the_token, base=SALE, click_ids=[networks["click"].click_id]),
    )
    def refused(slug, request):
        response = _send(client, f"/postback/{slug}/", request)

        _assert_json_4xx(response)
        assert _money() == (0, 0, 0, 0)

    refused()


def test_a_network_postback_with_the_token_never_fails_and_keeps_the_books(networks):
    client = Client()  # one for all examples: each new one sets up the middleware again
    click = networks["click"]
    clicks = [click.click_id, uuid.uuid4()]

    @FUZZ
    @given(request=postbacks(tokens=st.just(NETWORK_TOKEN), base=SALE, click_ids=clicks))
    def answered(request):
        response = _send(client, f"/postback/{click.merchant.network.slug}/", request)

        assert response.status_code < 500, (response.status_code, response.content[:300])
        body = response.json()
        if response.status_code == 200:
            event = CashbackEvent.objects.get(pk=body["event"]["id"])
            assert event.cashback_amount <= event.commission
            assert body["event"]["cashback"] == str(event.cashback_amount)
        else:
            assert body["status"] == "error"

    answered()

    assert wallet_audit() == []
    pending = Transaction.objects.filter(kind="cashback.pending").count()
    assert pending == CashbackEvent.objects.exclude(cashback_amount=0).count()


# --- conversion postbacks ----------------------------------------------------------------


@pytest.fixture
def conversion_clicks():
    campaign = CampaignFactory(token=CAMPAIGN_TOKEN)
    GoalFactory(campaign=campaign, tracking_code="FUZZGOAL01")
    mine = AffiliateClickFactory(link=LinkFactory(campaign=campaign))
    other = CampaignFactory(token=OTHER_TOKEN)
    GoalFactory(campaign=other)
    theirs = AffiliateClickFactory(link=LinkFactory(campaign=other))
    return {"mine": mine, "theirs": theirs}


def test_a_conversion_postback_without_the_campaigns_token_records_nothing(conversion_clicks):
    client = Client()  # one for all examples: each new one sets up the middleware again
    not_the_token = st.one_of(
        st.none(),
        st.just(CAMPAIGN_TOKEN.upper()),
        VALUES.filter(lambda value: value != CAMPAIGN_TOKEN),
    )
    links = list(Link.objects.values_list("pk", "conversions_count", "earnings"))

    @FUZZ
    @given(
        request=postbacks(
            tokens=not_the_token, base=CONVERSION, click_ids=[conversion_clicks["mine"].click_id]
        )
    )
    def refused(request):
        response = _send(client, "/postback/conversion/", request)

        _assert_json_4xx(response)
        assert _money() == (0, 0, 0, 0)

    refused()

    # Nor can the other campaign's token, real as it is, on this campaign's click.
    @FUZZ
    @given(
        request=postbacks(
            tokens=st.just(OTHER_TOKEN),
            base=CONVERSION,
            click_ids=[conversion_clicks["mine"].click_id],
        )
    )
    def wrong_campaign(request):
        response = _send(client, "/postback/conversion/", request)

        _assert_json_4xx(response)
        assert _money() == (0, 0, 0, 0)

    wrong_campaign()

    assert list(Link.objects.values_list("pk", "conversions_count", "earnings")) == links


def test_a_conversion_postback_with_the_token_never_fails(conversion_clicks):
    client = Client()  # one for all examples: each new one sets up the middleware again
    clicks = [conversion_clicks["mine"].click_id, conversion_clicks["theirs"].click_id]

    @FUZZ
    @given(request=postbacks(tokens=st.just(CAMPAIGN_TOKEN), base=CONVERSION, click_ids=clicks))
    def answered(request):
        response = _send(client, "/postback/conversion/", request)

        assert response.status_code < 500, (response.status_code, response.content[:300])
        body = response.json()
        if response.status_code == 200:
            conversion = Conversion.objects.get(pk=body["conversion"]["id"])
            assert conversion.click_uuid == conversion_clicks["mine"].click_id
            assert body["conversion"]["commission"] == str(conversion.commission)
        else:
            assert body["status"] == "error"

    answered()

    link = Link.objects.get(pk=conversion_clicks["mine"].link_id)
    assert link.conversions_count == Conversion.objects.filter(link=link).count()
    assert not Conversion.objects.filter(click_uuid=conversion_clicks["theirs"].click_id)


# --- found by the fuzzing ------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["network", "conversion"])
@pytest.mark.parametrize("where", ["txn_id", "another parameter's name", "a header"])
def test_a_nul_character_is_refused_with_a_400_and_the_postback_is_still_logged(
    networks, conversion_clicks, endpoint, where
):
    """PostgreSQL can store no NUL character: a txn_id with one was a 503 (retry, for
    ever), and any NUL in the request kept it out of the postback log."""
    if endpoint == "network":
        click, token = networks["click"], NETWORK_TOKEN
        url, params = f"/postback/{click.merchant.network.slug}/", dict(SALE)
    else:
        click, token = conversion_clicks["mine"], CAMPAIGN_TOKEN
        url, params = "/postback/conversion/", dict(CONVERSION)
    params.update(
        token=token, click_id=str(click.click_id), txn_id="T\x00" if where == "txn_id" else "T1"
    )
    headers = {"HTTP_USER_AGENT": "agent\x00"} if where == "a header" else {}
    if where == "another parameter's name":
        params["x\x00"] = "1"

    response = Client().get(url, params, **headers)

    if where == "a header":  # harmless where it is only logged
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()["code"]) == (400, "invalid_parameter")
    log = PostbackLog.objects.get()
    assert (log.http_status, log.code) == (
        (200, "") if where == "a header" else (400, "invalid_parameter")
    )
    assert "\x00" not in json.dumps([log.query, log.headers, log.body])


@pytest.mark.parametrize("endpoint", ["network", "conversion"])
@pytest.mark.parametrize("where", ["token", "txn_id", "another parameter's name"])
def test_a_lone_surrogate_in_a_json_body_is_refused_with_a_400_and_still_logged(
    networks, conversion_clicks, endpoint, where
):
    """JSON can spell `\\ud800`, which no UTF-8 text holds: hashing the token or saving
    the row raised UnicodeEncodeError, a 500 with no log row."""
    if endpoint == "network":
        click, token = networks["click"], NETWORK_TOKEN
        url, params = f"/postback/{click.merchant.network.slug}/", dict(SALE)
    else:
        click, token = conversion_clicks["mine"], CAMPAIGN_TOKEN
        url, params = "/postback/conversion/", dict(CONVERSION)
    params.update(token=token, click_id=str(click.click_id), txn_id="T1")
    if where == "another parameter's name":
        params["x\ud800"] = "1"
    else:
        params[where] = "T\ud800"
    body = json.dumps(params)  # ASCII: the surrogate travels as its escape

    response = Client().post(url, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_parameter")
    log = PostbackLog.objects.get()
    assert (log.http_status, log.code, log.authenticated) == (400, "invalid_parameter", False)
    assert token not in log.body
