"""Saving a page or post keeps the text it had before; a revision can be restored.

Every staff save goes through `content_save` (the admin's save_model calls it), so the
history holds each title and body the row had, whoever changed it and from where."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.services import audit_log
from config.errors import Forbidden, NotFound

from ..models import Page, Post, Revision

CONTENT_MODELS = (Page, Post)


def _keep(*, obj, title: str, body: str, actor) -> Revision:
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        title=title,
        body=body,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def content_save(*, obj, actor, **save_kwargs):
    """Save a Page or Post; when its title or body changed, keep the previous ones as a
    Revision first. The stored row is locked while it is read: two editors saving at
    once each keep the text the other replaced, none is lost."""
    if obj.pk is not None:
        before = (
            type(obj).objects.select_for_update().filter(pk=obj.pk).values("title", "body").first()
        )
        if before is not None and (before["title"], before["body"]) != (obj.title, obj.body):
            _keep(obj=obj, title=before["title"], body=before["body"], actor=actor)
    obj.save(**save_kwargs)
    return obj


def revisions_of(obj):
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("created_by")


@transaction.atomic
def revision_restore(*, revision: Revision, actor, request=None):
    """Put a revision's title and body back on its page or post. The text being
    replaced is kept as a revision itself, so a restore can be undone."""
    model = revision.content_type.model_class()
    if model not in CONTENT_MODELS:
        raise NotFound(detail="This revision belongs to nothing that can be restored.")
    opts = model._meta
    if not actor.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise Forbidden(detail=f"You may not change {opts.verbose_name_plural}.")
    obj = model.objects.select_for_update().filter(pk=revision.object_id).first()
    if obj is None:
        raise NotFound(detail=f"The {opts.verbose_name} of this revision no longer exists.")
    obj.title, obj.body = revision.title, revision.body
    content_save(obj=obj, actor=actor, update_fields=["title", "body", "updated_at"])
    audit_log(
        actor=actor,
        action="cms.revision_restore",
        entity=obj,
        metadata={"revision": revision.pk},
        request=request,
    )
    return obj
