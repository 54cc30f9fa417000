"""Pages, posts and FAQ items for the pages/blog tests; staff in the real role groups."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory, UserFactory
from cms.models import FaqItem, FaqSection, Page, Post, PostCategory, Tag


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Some **text**."
    status = Page.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class PostCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    excerpt = "A short summary."
    body = "Hello **readers**."
    author = factory.SubFactory(UserFactory, first_name="Cleo", last_name="Writer")
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def merchants(self, create, extracted, **kwargs):
        if create and extracted:
            self.merchants.set(extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class FaqSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqSection

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class FaqItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqItem

    section = factory.SubFactory(FaqSectionFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An *answer*."


def staff_in(group: str, **fields) -> User:
    staff = StaffFactory(**fields)
    staff.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=staff.pk)  # no stale permission cache


def content_editor(**fields) -> User:
    return staff_in("Content editor", **fields)


def support_agent(**fields) -> User:
    return staff_in("Support agent", **fields)
