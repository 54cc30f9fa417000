"""Staff-written content: pages (about, terms, FAQ intro…), the FAQ items, and the
revisions every save of a page or post keeps."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse


class PublishStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    # Published by the `publish_scheduled` beat task once `published_at` has passed.
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


# The page whose body introduces the FAQ (cms.views_pages.faq).
FAQ_INTRO_SLUG = "faq"


class SeoFields(models.Model):
    """What search engines and link previews read, beside the content itself."""

    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    # Blank: the page's own URL. Set when the same text lives elsewhere first.
    canonical_url = models.URLField(max_length=500, blank=True)

    class Meta:
        abstract = True


class Page(SeoFields):
    """A staff-written page: about, terms, privacy, FAQ, help articles. The body is
    Markdown, rendered to sanitised HTML (cms.markdown) when shown."""

    class Kind(models.TextChoices):
        PAGE = "page", "Page"
        HELP = "help", "Help article"
        LEGAL = "legal", "Legal"

    Status = PublishStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAGE)
    body = models.TextField(help_text="Markdown. Raw HTML is removed when the page is shown.")
    excerpt = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=PublishStatus.choices, default=PublishStatus.DRAFT, db_index=True
    )
    show_in_footer = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # The published FAQ intro lives at /faq/ with its questions (/p/faq/ answers 301
        # there): the sitemap, the footer and "View on site" name the page that answers.
        if self.slug == FAQ_INTRO_SLUG and self.status == PublishStatus.PUBLISHED:
            return reverse("cms:faq")
        return reverse("cms:page", args=[self.slug])


class FaqSection(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


class FaqItem(models.Model):
    section = models.ForeignKey(FaqSection, on_delete=models.CASCADE, related_name="items")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section__position", "position", "pk"]

    def __str__(self):
        return self.question


class Revision(models.Model):
    """The title and body a page or post had before one of its saves (restore action)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"
