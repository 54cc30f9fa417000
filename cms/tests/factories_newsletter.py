import factory
from django.utils import timezone

from cms.models import NewsletterIssue, NewsletterList, Subscription


class NewsletterListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterList
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"List {n}")
    slug = factory.Sequence(lambda n: f"list-{n}")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    newsletter = factory.SubFactory(NewsletterListFactory)
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscription.Status.CONFIRMED
    token_nonce = factory.Sequence(lambda n: f"nonce{n:027d}")
    requested_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    newsletter = factory.SubFactory(NewsletterListFactory)
    subject = factory.Sequence(lambda n: f"Issue {n}")
    body = "Hello **readers**."
    include_top_offers = False


def sending_issue(newsletter, **fields) -> NewsletterIssue:
    """An issue already started (as the admin's Send leaves it)."""
    return IssueFactory(
        newsletter=newsletter,
        status=NewsletterIssue.Status.SENDING,
        rendered_text="Hello readers.\n",
        rendered_html="<p>Hello <strong>readers</strong>.</p>",
        **fields,
    )
