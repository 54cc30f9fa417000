"""Signal receivers: a 301 from the old URL when a store's, category's, page's or post's
slug changes (cms.services.slug_redirects). The old slug is read before the save; the
redirect is written once the rename is committed (a rolled-back rename leaves none).
And the newsletter following the account: closed → unsubscribed, purged → erased."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.signals import account_closed, account_purged
from offers.models import Category, Merchant

from .models import Page, Post
from .services.newsletter_accounts import newsletter_account_closed, newsletter_account_purged
from .services.slug_redirects import slug_redirect_record

# The public URL of each model with a slug. Literal, not reverse(): the path a shopper
# bookmarked is what matters, and the blog URLs live in another feature's module.
URL_OF = {
    Merchant: "/store/{}/",
    Category: "/category/{}/",
    Page: "/p/{}/",
    Post: "/blog/{}/",
}


def _remember_old_slug(sender, instance, raw=False, update_fields=None, **kwargs):
    # A save that names its fields without the slug cannot rename: no query for it.
    if raw or instance.pk is None or (update_fields is not None and "slug" not in update_fields):
        return
    instance._slug_before_save = (
        sender._default_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    )


def _redirect_old_slug(sender, instance, created=False, raw=False, **kwargs):
    old = getattr(instance, "_slug_before_save", None)
    instance._slug_before_save = None
    if raw or created or not old or old == instance.slug:
        return
    url = URL_OF[sender]
    old_path, new_path = url.format(old), url.format(instance.slug)
    # robust: a failure here is logged; the rename that was committed stays a success.
    transaction.on_commit(
        lambda: slug_redirect_record(old_path=old_path, new_path=new_path), robust=True
    )


for _model in URL_OF:
    receiver(pre_save, sender=_model, dispatch_uid=f"cms.slug.pre.{_model.__name__}")(
        _remember_old_slug
    )
    receiver(post_save, sender=_model, dispatch_uid=f"cms.slug.post.{_model.__name__}")(
        _redirect_old_slug
    )


@receiver(account_closed, dispatch_uid="cms.newsletter.account_closed")
def on_account_closed(sender, user, **kwargs):
    newsletter_account_closed(user)


@receiver(account_purged, dispatch_uid="cms.newsletter.account_purged")
def on_account_purged(sender, user_id, email, **kwargs):
    newsletter_account_purged(user_id, email)
