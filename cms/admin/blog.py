from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.admin_base import AuditedAdminMixin
from offers.models import Merchant
from offers.models.validators import BANNER_MAX_BYTES

from ..models import Post, PostCategory, Tag
from .content_base import ContentAdmin, PublishingForm


class PostForm(PublishingForm):
    def clean_cover_image(self):
        # The same cap as store banners: a cover heads the post and its link previews.
        image = self.cleaned_data.get("cover_image")
        if image and getattr(image, "size", 0) > BANNER_MAX_BYTES:
            raise forms.ValidationError("The cover image must be 2 MB or smaller.")
        return image


@admin.register(Post)
class PostAdmin(ContentAdmin):
    form = PostForm
    list_display = ("title", "status", "published_at", "author", "updated_at")
    list_filter = ("status", "categories", "tags")
    list_select_related = ("author",)
    search_fields = ("title", "slug", "excerpt", "body")
    date_hierarchy = "published_at"
    filter_horizontal = ("categories", "tags", "merchants")
    raw_id_fields = ("author",)
    fieldsets = [
        (None, {"fields": ("title", "slug", "excerpt", "body", "cover_image", "author")}),
        ("Filed under", {"fields": ("categories", "tags", "merchants")}),
        ("Publishing", {"fields": ("status", "published_at", "preview_link")}),
        ("Search engines", {"fields": ("seo_title", "seo_description", "canonical_url")}),
        (None, {"fields": ("updated_at",)}),
    ]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # The byline (and the post's JSON-LD) prints the author's full name: a staff
            # member's, never a shopper's typed in by id.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "merchants":
            kwargs["queryset"] = Merchant.objects.filter(deleted_at__isnull=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(PostCategory)
class PostCategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
