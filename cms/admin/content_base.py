"""What the page and post admins share: publishing dates checked by the service, every
save through `content_save` (so it keeps a revision), the revisions on the change page,
and the preview link."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin_base import HTTPS_URL_FIELDS, AuditedAdminMixin
from config.errors import Refusal, form_refused

from ..models import PublishStatus, Revision
from ..services.publishing import publishing_dates
from ..services.revisions import content_save


class PublishingForm(forms.ModelForm):
    class Meta:
        # The field names read like code ("Seo title", "Canonical url") on the form.
        labels = {
            "seo_title": "SEO title",
            "seo_description": "SEO description",
            "canonical_url": "Canonical URL",
        }

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned:
            try:
                cleaned["published_at"] = publishing_dates(
                    status=cleaned["status"], published_at=cleaned.get("published_at")
                )
            except Refusal as refusal:
                form_refused(self, refusal)
        return cleaned


class RevisionInline(GenericTabularInline):
    """The earlier texts of this page or post, newest first; restored from the revisions
    list (its "Restore" action), which the link opens."""

    model = Revision
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ("created_at", "title", "created_by", "restore")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name_plural = "Revisions (earlier texts)"

    def has_view_permission(self, request, obj=None):
        # Shown, never submitted: on a POST it would add a management form to every save.
        return request.method != "POST" and request.user.has_perm("cms.view_revision")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description="")
    def restore(self, revision):
        url = reverse("admin:cms_revision_changelist")
        return format_html(
            '<a href="{}?id={}" data-test="revision-restore-link">Restore…</a>', url, revision.pk
        )


class ContentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PublishingForm
    inlines = [RevisionInline]
    formfield_overrides = HTTPS_URL_FIELDS
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("preview_link", "updated_at")
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        content_save(obj=obj, actor=request.user)

    @admin.display(description="On the site")
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save first to preview."
        url = obj.get_absolute_url()
        if obj.status == PublishStatus.PUBLISHED:
            return format_html('<a href="{}" target="_blank" rel="noopener">View on site</a>', url)
        return format_html(
            '<a href="{}?preview=1" target="_blank" rel="noopener" data-test="preview-link">'
            "Preview (not published)</a>",
            url,
        )
