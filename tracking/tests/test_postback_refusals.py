"""Postback refusals speak the one dialect: the kind of refusal carries the HTTP status."""

import pytest

from affiliates.services.conversions import (
    ConversionConflict,
    ConversionForbidden,
    ConversionRefused,
)
from config.errors import Refusal
from config.money import AmountTooLarge, InvalidAmount
from tracking.services.postbacks import (
    AnonymousClick,
    DuplicateParameter,
    PostbackConflict,
    PostbackForbidden,
    PostbackNotFound,
    PostbackRejected,
    PostbackReply,
    PostbackUnavailable,
)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (PostbackRejected, 400),
        (DuplicateParameter, 400),
        (InvalidAmount, 400),
        (AmountTooLarge, 400),
        (PostbackForbidden, 403),
        (PostbackNotFound, 404),
        (PostbackConflict, 409),
        (AnonymousClick, 422),
        (PostbackUnavailable, 503),
        (ConversionRefused, 400),
        (ConversionForbidden, 403),
        (ConversionConflict, 409),
    ],
)
def test_each_kind_answers_with_its_class_status(kind, status):
    refusal = kind("some_code", "Some detail.")

    assert isinstance(refusal, Refusal)
    assert not hasattr(refusal, "status")  # never per instance
    assert PostbackReply.error(refusal) == PostbackReply(
        status, {"status": "error", "code": "some_code", "detail": "Some detail."}
    )


def test_kinds_with_a_fixed_code_need_only_a_detail():
    assert (DuplicateParameter(detail="x").code, AnonymousClick(detail="x").code) == (
        "duplicate_parameter",
        "anonymous_click",
    )
    assert PostbackUnavailable(detail="Try again shortly.").code == "database_unavailable"
