from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from gamification.models import BonusCodeRedemption, DailyBonusClaim
from wallet.tests.factories import balances

from .factories_daily import BonusCodeFactory, bonus_days

pytestmark = pytest.mark.django_db

D = Decimal
REWARDS = reverse("gamification:rewards")
CLAIM = reverse("gamification:daily-bonus-claim")
REDEEM = reverse("gamification:bonus-code-redeem")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_page_needs_a_login():
    response = Client().get(REWARDS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_shows_the_calendar_streak_claim_button_and_code_box(client):
    bonus_days()
    client.force_login(UserFactory())

    response = client.get(REWARDS)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-state="today"') == 1
    assert page.count('data-state="upcoming"') == 6
    assert "Claim day 1: USD 0.10" in page
    assert 'data-test="bonus-code-form"' in page
    assert 'data-test="nav-rewards"' in page
    assert response.context["daily"].streak == 0


def test_claim_redirects_with_a_message_and_a_second_claim_says_why(client):
    bonus_days()
    user = UserFactory()
    client.force_login(user)

    first = client.post(CLAIM)
    second = client.post(CLAIM, follow=True)

    assert (first.status_code, first["Location"]) == (302, REWARDS)
    assert _messages(first) == [
        "Day 1 claimed: USD 0.10 added to your balance and 10 points. Streak: 1 day."
    ]
    assert "You have already claimed today&#x27;s bonus." in second.content.decode()
    assert 'data-test="claimed-today"' in second.content.decode()
    assert DailyBonusClaim.objects.count() == 1
    assert balances(user)["available"] == D("0.10")


def test_claim_is_post_only_and_an_unverified_shopper_gets_a_message_not_money(client):
    bonus_days()
    user = UnverifiedUserFactory()
    client.force_login(user)

    assert client.get(CLAIM).status_code == 405
    page = client.get(REWARDS).content.decode()
    refused = client.post(CLAIM, follow=True)

    assert 'data-test="verify-email"' in page
    assert "Verify your email address to receive bonuses." in refused.content.decode()
    assert DailyBonusClaim.objects.count() == 0


def test_an_unverified_shopper_can_resend_the_link_from_the_rewards_page(client):
    # Walking as a new shopper: the page said "Verify your email address" over a
    # disabled Claim button and gave no way to do it (the dashboard has the button).
    bonus_days()
    client.force_login(UnverifiedUserFactory())
    page = client.get(REWARDS).content.decode()
    banner = page[page.index('data-test="verify-email"') :]
    banner = banner[: banner.index("</div>")]
    assert f'action="{reverse("accounts:verify-resend")}"' in banner
    assert "Resend link" in banner


def test_claim_needs_the_csrf_token(client):
    bonus_days()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())

    assert strict.post(CLAIM).status_code == 403
    assert DailyBonusClaim.objects.count() == 0


def test_a_code_is_redeemed_and_a_bad_one_is_a_form_error(client):
    BonusCodeFactory(code="WELCOME5")
    user = UserFactory()
    client.force_login(user)

    done = client.post(REDEEM, {"code": "welcome5"})
    again = client.post(REDEEM, {"code": "welcome5"})
    unknown = client.post(REDEEM, {"code": "NOPE"})
    empty = client.post(REDEEM, {"code": ""})

    assert (done.status_code, done["Location"]) == (302, REWARDS)
    assert _messages(done) == ["Code accepted: USD 5.00 added to your balance."]
    assert again.status_code == 400
    assert again.context["code_form"].errors == {"code": ["You have already used this code."]}
    assert unknown.context["code_form"].errors == {"code": ["There is no such code."]}
    assert empty.context["code_form"].errors == {"code": ["This field is required."]}
    assert BonusCodeRedemption.objects.count() == 1
    assert balances(user)["available"] == D("5.00")
