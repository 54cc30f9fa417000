"""prune_raw_data: what goes after RAW_DATA_RETENTION_DAYS, what always stays (anything a
sale names), in batches, resumable, dry-run, and refusals that change nothing."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import StatusChange
from accounts.services import transition
from accounts.tests.factories import UserFactory
from affiliates.models import PostbackDelivery
from affiliates.tests.factories import PostbackFactory
from affiliates.tests.support import record_conversion
from campaigns.models import Goal
from campaigns.tests.factories import GoalFactory
from offers.tests.factories import OfferFactory
from tracking.models import AffiliateClick, Click, OfferClicksBefore, PostbackLog, PruneState
from tracking.services.retention import LOCK, raw_data_prune
from tracking.tasks import rollup_counters
from wallet.tests.factories import recorded_event

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

OLD = timedelta(days=401)  # behind the default 400 days
YOUNG = timedelta(days=399)


def _aged(model, row, age, field="created_at"):
    model.objects.filter(pk=row.pk).update(**{field: timezone.now() - age})
    return row


def _click(offer, age, *, sold=False):
    click = _aged(Click, ClickFactory(offer=offer, merchant=offer.merchant), age)
    if sold:
        event = recorded_event(UserFactory(), merchant=offer.merchant)
        Click.objects.filter(pk=click.pk).update(click_id=event.click_uuid)
    return click


def _affiliate_click(link, age, *, converted=False):
    click = AffiliateClickFactory(link=link, age=age)
    if converted:
        conversion = record_conversion(link, goal=Goal.objects.get(campaign=link.campaign))
        AffiliateClick.objects.filter(pk=click.pk).update(click_id=conversion.click_uuid)
    return click


def _log(age, **links):
    log = PostbackLog.objects.create(kind="network", method="GET", outcome="failure", **links)
    return _aged(PostbackLog, log, age, field="received_at")


def _delivery(postback, age, status):
    delivery = PostbackDelivery.objects.create(
        postback=postback, event="test", url=postback.url, method="GET"
    )
    if status != "pending":
        transition(delivery, to=status, allowed_from={"pending"}, reason="test")
    return _aged(PostbackDelivery, delivery, age)


@pytest.fixture
def world():
    """Rows of every raw table on both sides of the cutoff; the keepers named."""
    offer = OfferFactory()
    link = AffiliateClickFactory().link
    AffiliateClick.objects.all().delete()
    goal = GoalFactory(campaign=link.campaign)
    event = recorded_event(UserFactory())
    conversion = record_conversion(link, goal=goal)
    aff_converted = _affiliate_click(link, OLD, converted=True)
    # After the conversions, which would otherwise queue deliveries to it.
    postback = PostbackFactory(partner=link.partner)
    rows = {
        "clicks_gone": [_click(offer, OLD) for _ in range(3)],
        "click_sold": _click(offer, OLD, sold=True),
        "clicks_young": [_click(offer, YOUNG) for _ in range(2)],
        "aff_gone": [_affiliate_click(link, OLD) for _ in range(2)],
        "aff_converted": aff_converted,
        "aff_young": _affiliate_click(link, YOUNG),
        "logs_gone": [_log(OLD), _log(OLD)],
        "log_event": _log(OLD, event=event),
        "log_conversion": _log(OLD, conversion=conversion),
        "log_young": _log(YOUNG),
        "deliveries_gone": [
            _delivery(postback, OLD, "delivered"),
            _delivery(postback, OLD, "failed"),
        ],
        "delivery_pending": _delivery(postback, OLD, "pending"),
        "delivery_young": _delivery(postback, YOUNG, "delivered"),
    }
    rollup_counters()
    return rows


def _pks(model):
    return sorted(model.objects.values_list("pk", flat=True))


def _ids(*rows):
    return sorted(row.pk for row in rows)


def _prune(*args):
    out = io.StringIO()
    call_command("prune_raw_data", *args, stdout=out)
    return out.getvalue().splitlines()


def test_old_raw_rows_go_and_anything_a_sale_names_stays(world):
    delivery_history = StatusChange.objects.filter(object_id__in=_ids(*world["deliveries_gone"]))
    assert delivery_history.count() == 2

    lines = _prune()

    assert lines == [
        "tracking.click: deleted 3, kept 1",
        "tracking.affiliateclick: deleted 2, kept 1",
        "tracking.postbacklog: deleted 2, kept 2",
        "affiliates.postbackdelivery: deleted 2, kept 1",
    ]
    assert _pks(Click) == _ids(world["click_sold"], *world["clicks_young"])
    assert _pks(AffiliateClick) == _ids(world["aff_converted"], world["aff_young"])
    assert _pks(PostbackLog) == _ids(
        world["log_event"], world["log_conversion"], world["log_young"]
    )
    assert _pks(PostbackDelivery) == _ids(world["delivery_pending"], world["delivery_young"])
    assert delivery_history.count() == 0
    assert StatusChange.objects.filter(object_id=world["delivery_young"].pk).count() == 1


def test_a_second_run_reads_nothing_already_looked_at(world):
    raw_data_prune()

    again = raw_data_prune()

    assert [(r.deleted, r.kept, r.batches) for r in again] == [(0, 0, 0)] * 4


def test_a_dry_run_counts_the_same_and_changes_nothing(world):
    tables = (Click, AffiliateClick, PostbackLog, PostbackDelivery, StatusChange)
    before = [_pks(model) for model in tables]

    lines = _prune("--dry-run")

    assert lines == [
        "tracking.click: would delete 3, kept 1",
        "tracking.affiliateclick: would delete 2, kept 1",
        "tracking.postbacklog: would delete 2, kept 2",
        "affiliates.postbackdelivery: would delete 2, kept 1",
    ]
    assert [_pks(model) for model in tables] == before
    assert (PruneState.objects.count(), OfferClicksBefore.objects.count()) == (0, 0)


def test_batches_walk_primary_key_ranges_each_committed_on_its_own(world):
    offer = OfferFactory()
    more = [_click(offer, OLD) for _ in range(6)]
    rollup_counters()
    first = world["clicks_gone"][0].pk

    reports = raw_data_prune(batch_size=2)

    clicks = reports[0]
    # Ids first … last of the old clicks, two at a time.
    last = more[-1].pk
    assert (clicks.deleted, clicks.kept) == (9, 1)
    assert clicks.batches == -(-(last - first + 1) // 2)
    assert PruneState.objects.get(table="tracking.click").through_id == last
    assert _pks(Click) == _ids(world["click_sold"], *world["clicks_young"])


def test_a_run_out_of_time_stops_between_batches_and_the_next_goes_on(world):
    stopped = raw_data_prune(batch_size=1, max_seconds=0)

    assert [(r.deleted, r.finished) for r in stopped] == [(0, False)] * 4
    assert len(_pks(Click)) == 6

    finished = raw_data_prune(batch_size=1)

    assert [(r.deleted, r.kept, r.finished) for r in finished] == [
        (3, 1, True),
        (2, 1, True),
        (2, 2, True),
        (2, 1, True),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "119"], "Raw data is kept at least 120 days (asked: 119)."),
        (["--batch-size", "0"], "The batch size must be at least 1."),
        # A cutoff before year 1: was an OverflowError traceback.
        (["--days", "1000000"], "Raw data is kept at most 100000 days (asked: 1000000)."),
        (
            ["--days", "1000000", "--dry-run"],
            "Raw data is kept at most 100000 days (asked: 1000000).",
        ),
        (["--max-seconds", "0"], "--max-seconds must be positive."),
    ],
)
def test_bad_arguments_exit_with_a_reason_and_delete_nothing(world, args, message):
    before = [_pks(model) for model in (Click, AffiliateClick, PostbackLog, PostbackDelivery)]

    with pytest.raises(CommandError) as refused:
        _prune(*args)

    assert str(refused.value) == message
    assert [_pks(m) for m in (Click, AffiliateClick, PostbackLog, PostbackDelivery)] == before


def test_a_non_number_is_refused_by_the_parser():
    with pytest.raises(CommandError) as refused:
        _prune("--days", "many")

    assert "invalid int value: 'many'" in str(refused.value)


def test_a_second_run_at_the_same_time_is_refused(world):
    cache.add(LOCK, 1)
    try:
        with pytest.raises(CommandError) as refused:
            _prune()
    finally:
        cache.delete(LOCK)

    assert str(refused.value) == "Another prune_raw_data run is going."
    assert len(_pks(Click)) == 6


def test_clicks_the_roll_up_has_not_counted_are_never_pruned(world):
    offer = OfferFactory()
    _click(offer, OLD)  # not rolled up yet

    with pytest.raises(CommandError) as refused:
        _prune()

    assert str(refused.value).startswith("The offer_clicks roll-up has not counted every row")
    assert len(_pks(Click)) == 7
    assert PruneState.objects.filter(pruned_before__isnull=False).count() == 0


def test_the_task_prunes_within_its_time_budget(world):
    from tracking.tasks import prune_raw_data

    result = prune_raw_data()

    assert result == {
        "tracking.click": {"deleted": 3, "kept": 1},
        "tracking.affiliateclick": {"deleted": 2, "kept": 1},
        "tracking.postbacklog": {"deleted": 2, "kept": 2},
        "affiliates.postbackdelivery": {"deleted": 2, "kept": 1},
    }
