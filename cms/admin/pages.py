from django.contrib import admin, messages

from accounts.admin_base import AuditedAdminMixin, staff_each

from ..models import FaqItem, FaqSection, Page, Revision
from ..services.revisions import revision_restore
from .content_base import ContentAdmin


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ("title", "slug", "kind", "status", "published_at", "show_in_footer")
    list_filter = ("status", "kind", "show_in_footer")
    search_fields = ("title", "slug", "body")
    fieldsets = [
        (None, {"fields": ("title", "slug", "kind", "body", "excerpt")}),
        ("Publishing", {"fields": ("status", "published_at", "show_in_footer", "preview_link")}),
        ("Search engines", {"fields": ("seo_title", "seo_description", "canonical_url")}),
        (None, {"fields": ("updated_at",)}),
    ]


class FaqItemInline(admin.TabularInline):
    model = FaqItem
    fields = ("position", "question", "answer", "is_published")
    extra = 1


@admin.register(FaqSection)
class FaqSectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "position")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [FaqItemInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Earlier texts of pages and posts. Never edited by hand; "Restore" puts one back
    (and keeps the text it replaces as a revision, so the restore can be undone)."""

    list_display = ("title", "content_type", "object_id", "created_at", "created_by")
    # Only the kinds that have revisions (pages, posts), not every model of the project.
    list_filter = (("content_type", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("content_type", "created_by")
    search_fields = ("title",)
    fields = ("content_type", "object_id", "title", "body", "created_at", "created_by")
    readonly_fields = fields
    actions = ["restore"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_restore_permission(self, request):
        user = request.user
        return user.has_perm("cms.change_page") or user.has_perm("cms.change_post")

    @admin.action(description="Restore the selected revision", permissions=["restore"])
    def restore(self, request, queryset):
        rows = list(queryset.select_related("content_type"))
        if len(rows) != 1:
            self.message_user(request, "Select exactly one revision to restore.", messages.ERROR)
            return
        staff_each(self, request, rows, revision_restore, "revision", "restored")
