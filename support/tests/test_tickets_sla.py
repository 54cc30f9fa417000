"""SLA clocks in business hours: due times across a weekend and a DST change, the clock
paused while pending on the customer, priority changes and breach flagging."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from support.models import Ticket
from support.services.sla import (
    add_business_hours,
    business_time_between,
    parse_business_hours,
    sla_flag_breaches,
)
from support.services.tickets import (
    ticket_reply_requester,
    ticket_reply_staff,
    ticket_set_priority,
    ticket_set_status,
)

from .factories_tickets import open_ticket, support_agent

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() under the test's control (services and auto_now fields alike)."""

    class Clock:
        now = utc(2026, 11, 30, 9, 0)

        def set(self, when):
            self.now = when

    current = Clock()
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current


def test_the_default_hours_skip_the_weekend():
    friday_4pm = utc(2026, 11, 27, 16, 0)
    # 2 hours on Friday, 6 on Monday.
    assert add_business_hours(friday_4pm, 8) == utc(2026, 11, 30, 15, 0)
    # 2 on Friday, 9 a day Monday to Thursday (36), 7 on the next Friday.
    assert add_business_hours(friday_4pm, 45) == utc(2026, 12, 4, 16, 0)
    # Opened on a Saturday: the clock starts on Monday at nine.
    assert add_business_hours(utc(2026, 11, 28, 10, 0), 1) == utc(2026, 11, 30, 10, 0)
    # Opened after hours: the next morning.
    assert add_business_hours(utc(2026, 12, 1, 20, 30), 1) == utc(2026, 12, 2, 10, 0)
    assert business_time_between(utc(2026, 11, 27, 17, 0), utc(2026, 11, 30, 10, 0)) == (
        timedelta(hours=2)
    )


def test_saturday_hours_count_when_configured(settings):
    settings.SUPPORT_BUSINESS_HOURS = "Mon-Sat 08:30-17:00"
    # Friday 16:00 + 4h: 1h Friday, 3h Saturday from 08:30.
    assert add_business_hours(utc(2026, 11, 27, 16, 0), 4) == utc(2026, 11, 28, 11, 30)


def test_due_times_across_the_autumn_dst_change_keep_office_hours(settings):
    settings.TIME_ZONE = "Europe/London"
    # Friday 23 Oct 2026 17:00 BST is 16:00 UTC; clocks go back on Sunday the 25th.
    due = add_business_hours(utc(2026, 10, 23, 16, 0), 8)
    # 1 hour on Friday, 7 from Monday 09:00 GMT (= 09:00 UTC): 16:00 local and UTC.
    assert due == utc(2026, 10, 26, 16, 0)


def test_due_times_across_the_spring_dst_change_keep_office_hours(settings):
    settings.TIME_ZONE = "Europe/London"
    # Friday 27 Mar 2026 17:00 GMT; clocks go forward on Sunday the 29th.
    due = add_business_hours(utc(2026, 3, 27, 17, 0), 8)
    # 1 hour on Friday, 7 from Monday 09:00 BST (08:00 UTC): 15:00 UTC, 16:00 local.
    assert due == utc(2026, 3, 30, 15, 0)
    assert business_time_between(utc(2026, 3, 27, 17, 0), due) == timedelta(hours=8)


@pytest.mark.parametrize(
    "spec", ["", "Mon-Fri", "Mon-Fri 18:00-09:00", "Mon-Xyz 09:00-18:00", "Mon-Fri 25:00-26:00"]
)
def test_a_bad_business_hours_setting_fails_at_first_use_with_a_clear_message(settings, spec):
    settings.SUPPORT_BUSINESS_HOURS = spec
    with pytest.raises(ImproperlyConfigured, match="SUPPORT_BUSINESS_HOURS"):
        add_business_hours(utc(2026, 11, 30, 9, 0), 1)


def test_parse_accepts_ranges_and_single_days():
    hours = parse_business_hours("mon-sat 08:30-17:00", "UTC")
    assert sorted(hours.weekdays) == [0, 1, 2, 3, 4, 5]
    assert (hours.opens.hour, hours.opens.minute, hours.closes.hour) == (8, 30, 17)
    assert sorted(parse_business_hours("Sat 10:00-14:00", "UTC").weekdays) == [5]


def test_a_new_ticket_gets_both_due_times_from_its_priority(clock):
    clock.set(utc(2026, 11, 30, 9, 0))  # Monday 09:00
    ticket = open_ticket(priority=Ticket.Priority.NORMAL)  # 8 and 45 business hours
    assert ticket.first_response_due_at == utc(2026, 11, 30, 17, 0)
    assert ticket.resolution_due_at == utc(2026, 12, 4, 18, 0)
    urgent = open_ticket(priority=Ticket.Priority.URGENT)  # 1 and 8
    assert urgent.first_response_due_at == utc(2026, 11, 30, 10, 0)
    assert urgent.resolution_due_at == utc(2026, 11, 30, 17, 0)


def test_the_clock_stops_while_pending_on_the_customer(clock):
    agent = support_agent()
    clock.set(utc(2026, 11, 30, 9, 0))  # Monday 09:00
    ticket = open_ticket(priority=Ticket.Priority.NORMAL)
    clock.set(utc(2026, 11, 30, 10, 0))
    ticket_reply_staff(ticket=ticket, actor=agent, body="Which order?")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_since) == ("pending", utc(2026, 11, 30, 10, 0))
    assert ticket.first_responded_at == utc(2026, 11, 30, 10, 0)

    # The customer answers Tuesday 11:00: 8 office hours on Monday and 2 on Tuesday paused.
    clock.set(utc(2026, 12, 1, 11, 0))
    ticket_reply_requester(ticket=ticket, author=ticket.requester, body="Order 42")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_since) == ("open", None)
    # Monday 17:00 + 10h: 1h Monday, 9h Tuesday.
    assert ticket.first_response_due_at == utc(2026, 12, 1, 18, 0)
    # Friday 18:00 + 10h: 9h the next Monday, 1h Tuesday.
    assert ticket.resolution_due_at == utc(2026, 12, 8, 10, 0)


def test_a_priority_change_recomputes_from_the_opening(clock):
    agent = support_agent()
    clock.set(utc(2026, 11, 30, 9, 0))
    ticket = open_ticket(priority=Ticket.Priority.LOW)
    clock.set(utc(2026, 12, 1, 12, 0))
    assert ticket_set_priority(ticket=ticket, priority="urgent", actor=agent) is True
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == utc(2026, 11, 30, 10, 0)
    assert ticket.resolution_due_at == utc(2026, 11, 30, 17, 0)


def test_breaches_are_flagged_once_and_never_while_pending(clock):
    agent = support_agent()
    clock.set(utc(2026, 11, 30, 9, 0))
    silent = open_ticket(priority=Ticket.Priority.URGENT)  # first 10:00, resolution 17:00
    answered = open_ticket(priority=Ticket.Priority.URGENT)
    waiting = open_ticket(priority=Ticket.Priority.URGENT)
    on_hold = open_ticket(priority=Ticket.Priority.URGENT)
    done = open_ticket(priority=Ticket.Priority.URGENT)
    clock.set(utc(2026, 11, 30, 9, 30))
    ticket_reply_staff(ticket=answered, actor=agent, body="On it", status="open")
    ticket_reply_staff(ticket=waiting, actor=agent, body="Which order?")  # pending
    ticket_set_status(ticket=on_hold, to="on_hold", actor=agent)
    ticket_set_status(ticket=done, to="resolved", actor=agent)

    assert sla_flag_breaches(now=utc(2026, 11, 30, 9, 59)) == {
        "first_response": 0,
        "resolution": 0,
    }
    assert sla_flag_breaches(now=utc(2026, 11, 30, 10, 1)) == {
        "first_response": 2,  # silent and on_hold: nobody answered them
        "resolution": 0,
    }
    assert sla_flag_breaches(now=utc(2026, 11, 30, 17, 1)) == {
        "first_response": 0,  # flagged already
        "resolution": 3,  # silent, answered, on_hold; not the pending nor the resolved
    }
    flags = {t.pk: (t.first_response_breached, t.resolution_breached) for t in Ticket.objects.all()}
    assert flags == {
        silent.pk: (True, True),
        answered.pk: (False, True),
        waiting.pk: (False, False),
        on_hold.pk: (True, True),
        done.pk: (False, False),
    }
    assert sla_flag_breaches(now=utc(2026, 11, 30, 17, 2)) == {
        "first_response": 0,
        "resolution": 0,
    }
