import factory
from django.http import HttpResponse
from django.urls import include, path

from cms.models import Page, Post


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Some words."
    status = Page.Status.PUBLISHED


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    body = "Some words."
    status = Post.Status.PUBLISHED


def _post_stub(request, slug):
    return HttpResponse(slug)


def urlconf_with_blog():
    """The site's URLs plus `cms:post` at /blog/<slug>/, which the blog's branch builds:
    the posts section can be tested before it lands (the first `cms` namespace wins)."""
    from cms import urls as cms_urls
    from config import urls as site_urls

    blog = [path("blog/<slug:slug>/", _post_stub, name="post")]
    return [path("", include((blog + cms_urls.urlpatterns, "cms"))), *site_urls.urlpatterns]
