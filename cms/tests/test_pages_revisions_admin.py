"""Revisions through the admin, as staff use it: each save that changes the title or body
keeps the previous text; a Content editor restores one with the "Restore" action (which
keeps the replaced text too, so it can be undone, and is audited); a Support agent can do
neither."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import AuditLog
from cms.models import Page, Post, Revision
from offers.tests.factories import MerchantFactory

from .factories_pages import (
    PageFactory,
    PostCategoryFactory,
    PostFactory,
    TagFactory,
    content_editor,
    support_agent,
)

pytestmark = pytest.mark.django_db

REVISIONS = reverse("admin:cms_revision_changelist")


def _page_form(page, **fields):
    return {
        "title": page.title,
        "slug": page.slug,
        "kind": page.kind,
        "body": page.body,
        "excerpt": page.excerpt,
        "status": page.status,
        "published_at_0": page.published_at.strftime("%Y-%m-%d"),
        "published_at_1": page.published_at.strftime("%H:%M:%S"),
        "show_in_footer": "",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "_save": "Save",
        **fields,
    }


def _texts(obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        Revision.objects.filter(content_type=content_type, object_id=obj.pk)
        .order_by("pk")
        .values_list("title", "body", "created_by")
    )


def test_an_admin_save_that_changes_the_text_keeps_the_previous_one(client):
    editor = content_editor()
    page = PageFactory(title="Terms", body="Old terms.")
    client.force_login(editor)
    url = reverse("admin:cms_page_change", args=[page.pk])

    changed = client.post(url, _page_form(page, title="Terms of use", body="New terms."))
    seo_only = client.post(
        url, _page_form(page, title="Terms of use", body="New terms.", seo_title="Terms")
    )

    assert (changed.status_code, seo_only.status_code) == (302, 302)
    page.refresh_from_db()
    assert (page.title, page.body, page.seo_title) == ("Terms of use", "New terms.", "Terms")
    assert _texts(page) == [("Terms", "Old terms.", editor.pk)]
    assert AuditLog.objects.filter(action="page.admin_change", actor=editor).count() == 2


def test_the_change_page_lists_the_revisions_with_a_restore_link(client):
    editor = content_editor()
    page = PageFactory(title="Terms", body="Old terms.")
    client.force_login(editor)
    client.post(
        reverse("admin:cms_page_change", args=[page.pk]), _page_form(page, body="New terms.")
    )
    revision = Revision.objects.get()

    html = client.get(reverse("admin:cms_page_change", args=[page.pk])).content.decode()

    assert "Revisions (earlier texts)" in html
    assert f'href="{REVISIONS}?id={revision.pk}" data-test="revision-restore-link"' in html
    listing = client.get(f"{REVISIONS}?id={revision.pk}")
    assert [row.pk for row in listing.context["cl"].result_list] == [revision.pk]


def test_a_content_editor_restores_a_revision_and_can_undo_it(client):
    editor = content_editor()
    page = PageFactory(title="Terms", body="Version 1")
    client.force_login(editor)
    client.post(
        reverse("admin:cms_page_change", args=[page.pk]),
        _page_form(page, title="Terms v2", body="Version 2"),
        follow=True,  # reads the "was changed" message
    )
    first = Revision.objects.get()

    restored = client.post(REVISIONS, {"action": "restore", "_selected_action": [first.pk]})

    page.refresh_from_db()
    assert (page.title, page.body) == ("Terms", "Version 1")
    assert restored.status_code == 302
    assert [str(m) for m in client.get(REVISIONS).context["messages"]] == ["1 restored."]
    # The text the restore replaced is a revision itself: restoring it undoes the restore.
    assert _texts(page) == [("Terms", "Version 1", editor.pk), ("Terms v2", "Version 2", editor.pk)]
    audit = AuditLog.objects.get(action="cms.revision_restore")
    assert (audit.actor, audit.entity_type, audit.entity_id, audit.metadata) == (
        editor,
        "cms.page",
        str(page.pk),
        {"revision": first.pk},
    )

    undo = Revision.objects.filter(title="Terms v2").get()
    client.post(REVISIONS, {"action": "restore", "_selected_action": [undo.pk]})
    page.refresh_from_db()
    assert (page.title, page.body) == ("Terms v2", "Version 2")


def test_a_post_revision_restores_through_the_admin_too(client):
    editor = content_editor()
    post = PostFactory(title="Draft title", body="First draft")
    revision = Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_id=post.pk,
        title="Older title",
        body="Older draft",
    )
    client.force_login(editor)

    client.post(REVISIONS, {"action": "restore", "_selected_action": [revision.pk]})

    post.refresh_from_db()
    assert (post.title, post.body) == ("Older title", "Older draft")
    assert _texts(post)[-1] == ("Draft title", "First draft", editor.pk)


def test_restoring_two_revisions_at_once_is_refused_and_changes_nothing(client):
    editor = content_editor()
    page = PageFactory(title="Now", body="Now")
    content_type = ContentType.objects.get_for_model(Page)
    revisions = [
        Revision.objects.create(content_type=content_type, object_id=page.pk, title=t, body=t)
        for t in ("A", "B")
    ]
    client.force_login(editor)

    answer = client.post(
        REVISIONS,
        {"action": "restore", "_selected_action": [r.pk for r in revisions]},
        follow=True,
    )

    assert [str(m) for m in answer.context["messages"]] == [
        "Select exactly one revision to restore."
    ]
    page.refresh_from_db()
    assert (page.title, page.body, Revision.objects.count()) == ("Now", "Now", 2)
    assert AuditLog.objects.filter(action="cms.revision_restore").count() == 0


def test_a_support_agent_can_neither_see_nor_restore_revisions_nor_edit_pages(client):
    page = PageFactory(title="Terms", body="Current")
    revision = Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Page),
        object_id=page.pk,
        title="Old",
        body="Old",
    )
    client.force_login(support_agent())

    listing = client.get(REVISIONS)
    action = client.post(REVISIONS, {"action": "restore", "_selected_action": [revision.pk]})
    edit = client.post(
        reverse("admin:cms_page_change", args=[page.pk]), _page_form(page, body="Hacked")
    )

    assert (listing.status_code, action.status_code, edit.status_code) == (403, 403, 403)
    page.refresh_from_db()
    assert (page.title, page.body, Revision.objects.count()) == ("Terms", "Current", 1)
    assert AuditLog.objects.filter(action="cms.revision_restore").count() == 0


def test_a_content_editor_adds_a_post_with_its_stores_then_edits_it_keeping_a_revision(client):
    editor = content_editor()
    acme, guides, travel = MerchantFactory(), PostCategoryFactory(), TagFactory()
    client.force_login(editor)
    form = {
        "title": "Stacking",
        "slug": "stacking",
        "excerpt": "",
        "body": "First",
        "author": editor.pk,
        "categories": [guides.pk],
        "tags": [travel.pk],
        "merchants": [acme.pk],
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "_save": "Save",
    }

    added = client.post(reverse("admin:cms_post_add"), form)
    post = Post.objects.get(slug="stacking")
    edited = client.post(
        reverse("admin:cms_post_change", args=[post.pk]),
        {
            **form,
            "body": "Second",
            "published_at_0": post.published_at.strftime("%Y-%m-%d"),
            "published_at_1": post.published_at.strftime("%H:%M:%S"),
        },
    )

    assert (added.status_code, edited.status_code) == (302, 302)
    post.refresh_from_db()
    assert (post.body, post.status, post.author) == ("Second", "published", editor)
    assert [list(m.all()) for m in (post.merchants, post.categories, post.tags)] == [
        [acme],
        [guides],
        [travel],
    ]
    assert _texts(post) == [("Stacking", "First", editor.pk)]
