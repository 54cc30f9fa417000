"""SLA clocks in business hours (filled in by the tickets feature)."""


def sla_start(ticket, now) -> None:
    """Set the ticket's first-response and resolution due times from its priority."""


def sla_flag_breaches() -> dict:
    return {"flagged": 0}
