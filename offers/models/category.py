from django.db import models
from django.urls import reverse

from .validators import validate_banner_size


class Category(models.Model):
    """A node of the store/offer category tree."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    icon = models.CharField(
        max_length=200, blank=True, help_text="Icon name or static path shown beside the name."
    )
    banner = models.ImageField(
        upload_to="categories/banners/",
        blank=True,
        validators=[validate_banner_size],
        help_text="Optional wide image at the top of the category page (2 MB at most).",
    )
    sort_order = models.IntegerField(default=0)
    is_featured = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"
        indexes = [models.Index(fields=["is_active", "is_featured", "sort_order"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="offers_category_not_own_parent"
            )
        ]

    def __str__(self):
        return f"{self.parent} / {self.name}" if self.parent_id else self.name

    def get_absolute_url(self):
        return reverse("offers:category", args=[self.slug])

    def ancestors(self) -> list["Category"]:
        """Root first. Bounded: a cycle (made by hand in the database) cannot loop forever."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))
