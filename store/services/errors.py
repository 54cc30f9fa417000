"""The store's refusals: stable codes the pages, the API and the admin all show."""

from config.errors import Conflict, Forbidden, NotFound, Refusal


class StoreRefused(Refusal):
    pass


class OutOfStock(Conflict):
    code = "out_of_stock"


class EmailUnverified(Forbidden):
    code = "email_unverified"


class OrderNotFound(NotFound):
    code = "not_found"


class OrderConflict(Conflict):
    """The order's state does not allow the move (cancel a delivered order, …)."""

    code = "invalid_status"


class GatewayUnavailable(Refusal):
    http_status = 503
    code = "gateway_unavailable"
