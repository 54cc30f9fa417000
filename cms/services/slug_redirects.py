"""A 301 from a page's old URL when its slug changes (stores, categories, CMS pages, posts).

One hop, always: rules that pointed at the old URL are re-pointed at the new one (A→B
then B→C leaves A→C and B→C), and a rule whose source is the new URL is taken out
(renaming back to an old slug must not leave /a/ → /b/ → /a/). Offers have no slug
(/offer/<id>/): their URL never changes.
"""

import logging

from django.db import transaction
from django.utils import timezone

from config.row_cache import rows_changed

from ..models import RedirectRule
from .redirects import RedirectRefused, RuleInput, redirect_save

logger = logging.getLogger(__name__)


@transaction.atomic
def slug_redirect_record(*, old_path: str, new_path: str) -> RedirectRule | None:
    if old_path == new_path:
        return None
    at_new = RedirectRule.objects.filter(match=RedirectRule.Match.EXACT, source=new_path)
    at_new.filter(origin=RedirectRule.Origin.SLUG_CHANGE).delete()
    # Staff's own rule on that path: kept for the record, but it must not answer any more.
    # updated_at by hand (update() skips auto_now): the matcher's fingerprint reads it.
    now = timezone.now()
    if at_new.filter(is_active=True).update(is_active=False, updated_at=now):
        rows_changed(RedirectRule)
    if RedirectRule.objects.filter(target=old_path).update(target=new_path, updated_at=now):
        rows_changed(RedirectRule)
    try:
        return redirect_save(
            RuleInput(
                match=RedirectRule.Match.EXACT,
                source=old_path,
                target=new_path,
                status_code=RedirectRule.StatusCode.MOVED_PERMANENTLY,
                note="Slug changed",
            ),
            origin=RedirectRule.Origin.SLUG_CHANGE,
        )
    except RedirectRefused as refusal:
        # A prefix or regex rule of staff's covers the new URL: the rename itself is
        # saved; the redirect is left for staff to decide, and said in the log.
        logger.warning("no redirect %s → %s: %s", old_path, new_path, refusal.detail)
        return None
