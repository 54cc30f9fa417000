"""Fixes from a browser walk-through of the CMS on the demo: what a shopper or an editor
tripped on, each pinned by the page or admin request that showed it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from cms.models import NewsletterIssue, Subscription
from cms.services.newsletter_tokens import unsubscribe_token
from cms.services.revisions import content_save

from .factories_newsletter import (
    IssueFactory,
    NewsletterListFactory,
    SubscriptionFactory,
    sending_issue,
)
from .factories_pages import PageFactory, PostFactory
from .seo_xml import sitemap_locs

pytestmark = pytest.mark.django_db


def staff_in(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def test_an_editor_cannot_retype_the_html_of_an_issue_being_sent(client):
    issue = sending_issue(NewsletterListFactory(slug="weekly-deals"), subject="Deals")
    staff_in(client, "Content editor")
    url = reverse("admin:cms_newsletterissue_change", args=[issue.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "rendered_text": "Changed",
            "rendered_html": "<script>alert(1)</script>",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )

    assert page.status_code == 200
    assert b'name="rendered_html"' not in page.content
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENDING
    assert issue.rendered_text == "Hello readers.\n"
    assert issue.rendered_html == "<p>Hello <strong>readers</strong>.</p>"


def test_a_draft_issue_has_no_rendered_boxes_to_type_into(client):
    NewsletterListFactory(slug="weekly-deals")
    staff_in(client, "Content editor")

    page = client.get(reverse("admin:cms_newsletterissue_add"))

    assert page.status_code == 200
    assert b'name="rendered_text"' not in page.content
    assert b'name="rendered_html"' not in page.content
    assert b'name="body"' in page.content


def test_a_refused_address_is_put_back_in_the_form_with_ids_of_its_own(client):
    NewsletterListFactory(slug="weekly-deals")

    response = client.post(
        reverse("cms:newsletter-subscribe"),
        {"email": "bad@x", "list": "weekly-deals", "source": "home"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-test="newsletter-form-page"' in html
    assert 'id="newsletter-email-page" value="bad@x"' in html
    # The footer's form on the same page stays empty and keeps its own ids.
    assert html.count('id="newsletter-email-footer" placeholder=') == 1
    assert html.count('value="bad@x"') == 1


def test_a_second_visit_to_an_unsubscribe_link_says_it_is_done(client):
    subscription = SubscriptionFactory(
        newsletter=NewsletterListFactory(slug="weekly-deals", name="Weekly deals"),
        email="gone@example.com",
        status=Subscription.Status.UNSUBSCRIBED,
    )

    response = client.get(
        reverse("cms:newsletter-unsubscribe", args=[unsubscribe_token(subscription)])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-test="newsletter-unsubscribed"' in html
    assert 'data-test="newsletter-unsubscribe"' not in html


def test_the_revisions_filter_offers_only_pages_and_posts(client):
    editor = staff_in(client, "Content editor")
    page = PageFactory(slug="about", title="About")
    content_save(obj=page, actor=editor)
    page.body = "Changed."
    content_save(obj=page, actor=editor)
    post = PostFactory(slug="stacking")
    post.body = "Changed."
    content_save(obj=post, actor=editor)

    response = client.get(reverse("admin:cms_revision_changelist"))

    assert response.status_code == 200
    [content_type_filter] = response.context["cl"].filter_specs
    assert sorted(label for _, label in content_type_filter.lookup_choices) == [
        "Content | page",
        "Content | post",
    ]


def _send_page(client, issue):
    return client.post(
        reverse("admin:cms_newsletterissue_changelist"),
        {"action": "send", "_selected_action": [issue.pk]},
    ).content.decode()


def test_the_send_page_says_why_an_issue_would_be_refused_and_offers_no_yes(client):
    weekly = NewsletterListFactory(slug="weekly-deals")
    untested = IssueFactory(newsletter=weekly, subject="Untested")
    edited = IssueFactory(newsletter=weekly, subject="Edited")
    IssueFactory(newsletter=weekly, subject="Other")
    NewsletterIssue.objects.filter(pk=edited.pk).update(
        test_sent_at=timezone.now() - timedelta(hours=1)
    )
    staff_in(client, "Content editor")

    untested_page = _send_page(client, untested)
    edited_page = _send_page(client, edited)

    assert "not sent, no test sent yet: use “Send a test to me” first" in untested_page
    assert "not sent, edited since its last test" in edited_page
    assert 'data-test="confirm-send"' not in untested_page
    assert 'data-test="confirm-send"' not in edited_page
    assert NewsletterIssue.objects.filter(status="draft").count() == 3


def test_the_send_page_offers_yes_for_an_issue_tested_since_its_last_edit(client):
    issue = IssueFactory(newsletter=NewsletterListFactory(slug="weekly-deals"))
    NewsletterIssue.objects.filter(pk=issue.pk).update(test_sent_at=timezone.now())
    staff_in(client, "Content editor")

    page = _send_page(client, issue)

    assert 'data-test="confirm-send"' in page
    assert 'data-test="send-not-ready"' not in page


def test_the_sitemap_lists_the_faq_at_its_own_address_not_the_redirect(client, settings):
    settings.SITE_URL = "https://savebucks.example"
    PageFactory(slug="about", title="About")
    PageFactory(slug="faq", title="Frequently asked questions")

    locs = sitemap_locs(client.get("/sitemap-pages.xml"))

    assert sorted(locs) == [
        "https://savebucks.example/faq/",
        "https://savebucks.example/p/about/",
    ]
    assert client.get("/faq/").status_code == 200


def test_an_unknown_path_gets_the_sites_page_with_a_way_on(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-test="not-found"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'href="/blog/"' in html
    assert 'href="/faq/"' in html
    assert 'action="/search/"' in html


def test_the_page_form_spells_seo_and_url_as_words(client):
    staff_in(client, "Content editor")
    page = PageFactory(slug="about")

    html = client.get(reverse("admin:cms_page_change", args=[page.pk])).content.decode()

    assert '<label for="id_seo_title">SEO title:</label>' in html
    assert '<label for="id_seo_description">SEO description:</label>' in html
    assert '<label for="id_canonical_url">Canonical URL:</label>' in html
