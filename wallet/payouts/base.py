from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemResult:
    withdrawal_id: int
    outcome: str  # "paid", "failed" or "pending"
    reference: str = ""
    provider_status: str = ""
    reason: str = ""


@dataclass(frozen=True)
class SubmitResult:
    # accepted: the provider has the batch (and will not pay it twice). Not accepted with
    # retry: a network error or a 5xx, safe to send again with the same batch id.
    accepted: bool
    retry: bool = False
    reference: str = ""
    error: str = ""
    items: list[ItemResult] = field(default_factory=list)


class PayoutProvider:
    name = ""
    # Whether process_payouts asks the provider how its batches went (manual ones are
    # settled by staff instead).
    polls = False

    def submit(self, batch, payouts) -> SubmitResult:
        raise NotImplementedError

    def poll(self, batch, payouts) -> list[ItemResult]:
        return []
