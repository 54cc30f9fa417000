from django.contrib import admin

from accounts.admin_base import AuditedAdminMixin
from offers.models import Merchant

from ..models import Post, PostCategory, Tag
from .content_base import ContentAdmin


@admin.register(Post)
class PostAdmin(ContentAdmin):
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
