from accounts.models import User

from .models import Activity


def activity_record(
    *, user: User, kind: str, points: int = 0, description: str = "", metadata=None
) -> Activity:
    return Activity.objects.create(
        user=user, kind=kind, points=points, description=description, metadata=metadata or {}
    )
