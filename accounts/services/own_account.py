"""Nobody moves their own money as staff.

A Finance member could otherwise credit itself by hand, withdraw it and approve its own
withdrawal. The rule lives here, once, and every service that adjusts, approves,
rejects or pays calls it: the admin, the API and the commands all obey it.
"""

from config.errors import Forbidden


class OwnAccountRefused(Forbidden):
    code = "own_account"


def refuse_own_account(*, actor, owner_id: int, doing: str) -> None:
    """Refuse when `actor` (staff, or None for the system) would `doing` its own money."""
    if actor is not None and actor.pk is not None and actor.pk == owner_id:
        raise OwnAccountRefused(
            "own_account",
            f"You cannot {doing} on your own account: ask another staff member.",
        )
