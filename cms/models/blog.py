"""The blog: posts with categories and tags, linked stores shown with their live rate."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .pages import PublishStatus, SeoFields


class PostCategory(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "post categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cms:blog-category", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cms:blog-tag", args=[self.slug])


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublishStatus.PUBLISHED)


class Post(SeoFields):
    Status = PublishStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    excerpt = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown. Raw HTML is removed when the post is shown.")
    cover_image = models.ImageField(upload_to="blog/", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    categories = models.ManyToManyField(PostCategory, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    # Stores the post is about: shown beside it with their cashback rate as it is today.
    merchants = models.ManyToManyField("offers.Merchant", blank=True, related_name="+")
    status = models.CharField(
        max_length=16, choices=PublishStatus.choices, default=PublishStatus.DRAFT, db_index=True
    )
    # When it went (or, scheduled, goes) live.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cms:post", args=[self.slug])
