"""What the OpenAPI schema promises a generated client, and the answers that keep it:
JSON bodies only, every nested object typed, URL templates as patterns, one error shape
with each operation's codes, enums, ordering and page size declared, CSRF and
WWW-Authenticate documented, bad query parameters a 400."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from affiliates.tests.factories import PartnerFactory
from affiliates.tests.support import key_client
from config.api_refusals import REFUSALS
from offers.tests.factories import OfferFactory
from wallet.models import Withdrawal
from wallet.tests.factories import give_available

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _error_codes(schema, path, method, status):
    answer = schema["paths"][path][method]["responses"][str(status)]
    error = _component(schema, answer["content"]["application/json"]["schema"]["$ref"])
    return set(_component(schema, error["properties"]["code"]["$ref"])["enum"])


# --- bodies ----------------------------------------------------------------------------


def test_every_request_body_is_json_only(schema):
    bodies = {
        (path, method): sorted(operation["requestBody"]["content"])
        for path, method, operation in _operations(schema)
        if "requestBody" in operation
    }

    # Gamification: points redeem, challenge entries, bonus-code redeem. Support: a new
    # ticket, a reply on one, a claim, the Telegram announcements flag (PATCH /me/telegram/),
    # notifications mark read and preferences PUT. CMS: the newsletter subscribe. Store: an
    # order, a gift-card redeem (cancel and reveal take no body).
    assert len(bodies) == 18
    assert set(map(tuple, bodies.values())) == {("application/json",)}


@pytest.mark.parametrize("format_", ["multipart", None])
def test_a_form_encoded_write_is_415_in_the_error_shape(format_):
    user = UserFactory()
    give_available(user, "50.00")
    api = APIClient()
    api.force_authenticate(user)
    payload = {"method": "paypal", "amount": "10.00", "paypal_email": "me@paypal.example"}

    if format_ is None:  # application/x-www-form-urlencoded
        response = api.generic(
            "POST",
            reverse("api-me-withdrawals"),
            "method=paypal&amount=10.00",
            content_type="application/x-www-form-urlencoded",
        )
        media = "application/x-www-form-urlencoded"
    else:
        response = api.post(reverse("api-me-withdrawals"), payload, format=format_)
        media = "multipart/form-data; boundary=BoUnDaRyStRiNg; charset=utf-8"

    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "detail": f'Unsupported media type "{media}" in request.',
    }
    assert Withdrawal.objects.count() == 0


def test_invalid_input_names_its_first_problem_and_lists_them_all():
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.post(
        reverse("api-me-withdrawals"), {"method": "cheque", "upi_id": "x" * 101}, format="json"
    )

    assert response.status_code == 400
    first = {
        "code": "invalid_choice",
        "detail": '"cheque" is not a valid choice.',
        "field": "method",
    }
    assert response.json() == {
        **first,
        "errors": [
            first,
            {"code": "required", "detail": "This field is required.", "field": "amount"},
            {
                "code": "max_length",
                "detail": "Ensure this field has no more than 100 characters.",
                "field": "upi_id",
            },
        ],
    }
    assert Withdrawal.objects.count() == 0


def test_one_problem_is_the_error_itself():
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.patch(reverse("api-me"), {"phone": "1" * 21}, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "max_length",
            "detail": "Ensure this field has no more than 20 characters.",
            "field": "phone",
        },
    )


def test_malformed_json_is_a_400_parse_error():
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.generic("PATCH", reverse("api-me"), "{", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


# --- shapes ----------------------------------------------------------------------------


def test_campaign_goals_are_typed_objects(schema):
    goals = _component(schema, "#/components/schemas/Campaign")["properties"]["goals"]
    goal = _component(schema, goals["items"]["$ref"])

    assert sorted(goal["properties"]) == [
        "commission_type",
        "commission_value",
        "id",
        "is_default",
        "name",
        "tracking_code",
    ]
    assert sorted(goal["required"]) == sorted(goal["properties"])
    assert goal["properties"]["commission_type"] == {
        "$ref": "#/components/schemas/CommissionTypeEnum"
    }


@pytest.mark.parametrize(
    ("component", "field", "blank"),
    [
        ("Campaign", "terms_url", True),
        ("Campaign", "default_destination_url", True),
        ("Merchant", "website", True),
        ("Link", "destination_url", True),
        ("LinkRequest", "destination_url", True),
        ("Postback", "url", False),
        ("PostbackRequest", "url", False),
    ],
)
def test_url_templates_are_patterns_not_uris(schema, component, field, blank):
    declared = _component(schema, f"#/components/schemas/{component}")["properties"][field]
    choices = declared.get("oneOf", [declared])
    url = choices[0]

    assert "format" not in url
    assert re.search(url["pattern"], "https://shop.example/p?c={click_id}&s={sub1}")
    assert not re.search(url["pattern"], "javascript:alert(1)")
    assert (choices[1:] == [{"type": "string", "maxLength": 0}]) is blank


@pytest.mark.parametrize(
    ("component", "field", "enum"),
    [
        ("Withdrawal", "method", "WithdrawalMethodEnum"),
        ("WithdrawalRequestRequest", "method", "WithdrawalMethodEnum"),
        ("Offer", "type", "OfferTypeEnum"),
        ("Cashback", "type", "CashbackTypeEnum"),
        ("Click", "cashback_type", "CashbackTypeEnum"),
        ("Delivery", "method", "PostbackMethodEnum"),
        ("Postback", "method", "PostbackMethodEnum"),
    ],
)
def test_choice_fields_are_enums(schema, component, field, enum):
    declared = _component(schema, f"#/components/schemas/{component}")["properties"][field]

    assert declared == {"$ref": f"#/components/schemas/{enum}"} or declared["allOf"] == [
        {"$ref": f"#/components/schemas/{enum}"}
    ]


def test_an_absent_avatar_is_declared_null(schema):
    assert _component(schema, "#/components/schemas/MeOutput")["properties"]["avatar"]["nullable"]


# --- errors ----------------------------------------------------------------------------


def test_every_4xx_is_an_error_with_its_operations_codes(schema):
    for path, method, operation in _operations(schema):
        for status, answer in operation["responses"].items():
            if not status.startswith("4"):
                continue
            error = _component(schema, answer["content"]["application/json"]["schema"]["$ref"])
            assert error["required"] == ["code", "detail"], (path, method, status)
            assert sorted(error["properties"]) == ["code", "detail", "errors", "field"]
            assert "enum" in _component(schema, error["properties"]["code"]["$ref"])
            each = error["properties"]["errors"]["items"]
            assert each["properties"]["code"] == error["properties"]["code"]


def test_the_codes_of_a_withdrawal_request():
    # The domain refusals declared in config/api_refusals.py, DRF's validation codes of
    # the body's fields, and the codes of the answers every operation can give.
    codes = _error_codes(
        SchemaGenerator().get_schema(request=None, public=True),
        "/api/v1/me/withdrawals/",
        "post",
        400,
    )

    assert {
        "insufficient_funds",
        "invalid_amount",
        "amount_too_large",
        "wrong_password",
        "password_required",
        "kyc_required",
        "required",
        "invalid_choice",
        "parse_error",
        "unsupported_media_type",
        "throttled",
        "too_many_attempts",
        "not_authenticated",
        "permission_denied",
    } <= codes
    assert "has_traffic" not in codes


def test_statuses_each_operation_documents(schema):
    def statuses(path, method):
        return sorted(k for k in schema["paths"][path][method]["responses"] if k[0] == "4")

    assert statuses("/api/v1/offers/", "get") == ["400", "404", "429"]
    assert statuses("/api/v1/me/withdrawals/", "post") == ["400", "403", "415", "429"]
    assert statuses("/api/v1/me/withdrawals/{id}/cancel/", "post") == ["403", "404", "409", "429"]
    assert statuses("/api/v1/partner/links/{id}/", "delete") == ["401", "403", "404", "409", "429"]
    assert statuses("/api/v1/partner/links/", "post") == ["400", "401", "403", "415", "429"]


def test_a_401_documents_its_challenge_and_session_writes_their_csrf_header(schema):
    links = schema["paths"]["/api/v1/partner/links/"]
    challenge = links["get"]["responses"]["401"]["headers"]["WWW-Authenticate"]

    assert challenge["schema"] == {"type": "string", "enum": ["Api-Key"]}
    assert links["get"]["security"] == [{"PartnerApiKey": []}, {"cookieAuth": []}]
    assert links["post"]["security"] == [
        {"PartnerApiKey": []},
        {"cookieAuth": [], "csrfToken": []},
    ]
    assert schema["paths"]["/api/v1/me/"]["patch"]["security"] == [
        {"cookieAuth": [], "csrfToken": []}
    ]
    assert schema["components"]["securitySchemes"]["csrfToken"]["name"] == "X-CSRFToken"


def test_a_missing_api_key_answers_the_documented_challenge():
    response = APIClient().get(reverse("api-partner-links"))

    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Api-Key")
    assert response.json()["code"] == "not_authenticated"


# --- query parameters ------------------------------------------------------------------


def test_ordering_values_and_the_page_size_cap_are_declared(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/offers/"]["get"]["parameters"]}

    assert parameters["ordering"]["schema"]["enum"] == [
        term
        for name in ("priority", "created_at", "ends_at", "title", "clicks_count")
        for term in (name, f"-{name}")
    ]
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"ordering": "password"}, "invalid_choice", "ordering"),
        ({"ordering": "title,-nope"}, "invalid_choice", "ordering"),
        ({"page_size": "101"}, "invalid", "page_size"),
        ({"page_size": "0"}, "invalid", "page_size"),
        ({"page_size": "ten"}, "invalid", "page_size"),
        ({"page": "abc"}, "invalid", "page"),
        ({"page": "0"}, "invalid", "page"),
        ({"type": "bogus"}, "invalid_choice", "type"),
        ({"featured": "maybe"}, "invalid", "featured"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(query, code, field):
    OfferFactory()

    response = APIClient().get(reverse("api-offers"), query)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)


def test_good_query_parameters_still_work():
    OfferFactory(title="B")
    OfferFactory(title="A")

    OfferFactory(title="C", is_featured=True)

    response = APIClient().get(
        reverse("api-offers"),
        {"ordering": "-title", "page_size": "100", "page": "1", "featured": "false"},
    )
    featured = APIClient().get(reverse("api-offers"), {"featured": "TRUE"})

    assert [row["title"] for row in response.json()["results"]] == ["B", "A"]
    assert [row["title"] for row in featured.json()["results"]] == ["C"]


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("api-me-withdrawals", {"status": "bogus"}, "status"),
        ("api-me-cashback", {"network_status": "bogus"}, "network_status"),
        ("api-me-statement", {"account": "bogus"}, "account"),
        ("api-me-referrals", {"ordering": "email"}, "ordering"),
    ],
)
def test_a_bad_filter_value_is_a_400(name, query, field):
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.get(reverse(name), query)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_choice", field)


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"campaign": "999999"}, "invalid_choice", "campaign"),
        ({"on_hold": "perhaps"}, "invalid", "on_hold"),
        ({"status": "paid-ish"}, "invalid_choice", "status"),
    ],
)
def test_a_bad_partner_filter_is_a_400(query, code, field):
    client, _key = key_client(PartnerFactory())

    response = client.get(reverse("api-partner-conversions"), query)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)


def test_every_declared_refusal_is_raised_somewhere():
    # config/api_refusals.py is written by hand: a code there that no service raises is a
    # typo or a rule that went away.
    root = Path(__file__).resolve().parents[2]
    source = "\n".join(
        path.read_text()
        for app in (
            "accounts",
            "affiliates",
            "cms",
            "config",
            "gamification",
            "store",
            "support",
            "wallet",
        )
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts and path.name != "api_refusals.py"
    )
    declared = {
        code for statuses in REFUSALS.values() for codes in statuses.values() for code in codes
    }

    assert sorted(code for code in declared if f'"{code}"' not in source) == []
