"""Store admin: the code inventory, its imports and supplier purchases.

A code is a bearer secret: its page shows the last four characters and where it went,
never the code or the PIN (they are not among the fields of any form or list here, and
search matches the last four only). Codes come in only through the CSV import, which
never quotes a cell back."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts.admin_base import BigTableAdmin, ReadOnlyAdminMixin
from config.errors import Refusal

from ..models import Code, CodeImport, SupplierOrder, Variant
from ..services.code_import import MAX_ROWS, CodeImportInvalid, codes_import_csv

IMPORT_PERMISSION = "store.add_code"


class CodeImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Header code,pin,expires_on; at most {MAX_ROWS:,} rows and 2 MB; UTF-8.",
    )


@admin.register(Code)
class CodeAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("last4_masked", "status", "variant", "expires_on", "order_number")
    list_filter = ("status",)
    # Exact last four only: searching by a full code would confirm a guess.
    search_fields = ("=last4",)
    search_help_text = "The last four characters of a code."
    list_select_related = ("variant__product", "order_item__order")
    # Every field but the secrets (code, pin) and the digest that finds them.
    fields = (
        "variant",
        "last4_masked",
        "status",
        "expires_on",
        "order_number",
        "reserved_until",
        "sold_at",
        "first_revealed_at",
        "reveal_count",
        "voided_at",
        "code_import",
        "supplier_order",
        "created_at",
    )
    readonly_fields = fields
    change_list_template = "admin/store/code/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/<int:variant_id>/",
                self.admin_site.admin_view(self.import_view),
                name="store_code_import",
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        # Codes are stored normalised (upper case, no dashes): so is their last4.
        return super().get_search_results(request, queryset, search_term.strip().upper())

    @admin.display(description="Code", ordering="last4")
    def last4_masked(self, code):
        return f"••••{code.last4}"

    @admin.display(description="Order")
    def order_number(self, code):
        item = code.order_item
        return item.order.number if item is not None else "—"

    def import_view(self, request, variant_id: int):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        variant = get_object_or_404(Variant.objects.select_related("product"), pk=variant_id)
        form = CodeImportForm(request.POST or None, request.FILES or None)
        summary, errors = "", []
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                batch = codes_import_csv(
                    variant=variant,
                    file=form.cleaned_data["file"],
                    actor=request.user,
                    request=request,
                )
            except CodeImportInvalid as refused:
                summary, errors = refused.detail, refused.errors
                if not errors:  # a refusal of the whole file (header, size, encoding)
                    form.add_error("file", refused.detail)
                status = 400
            except Refusal as refused:
                form.add_error("file", refused.detail)
                status = 400
            else:
                self.message_user(
                    request, f"{batch.imported} code(s) imported into {variant}.", messages.SUCCESS
                )
                return redirect(reverse("admin:store_variant_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Import codes: {variant}",
            "variant": variant,
            "form": form,
            "summary": summary,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/store/code/import.html", context, status=status)


@admin.register(CodeImport)
class CodeImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "variant", "actor", "filename", "rows", "imported")
    list_select_related = ("variant__product", "actor")
    fields = list_display
    readonly_fields = fields


@admin.register(SupplierOrder)
class SupplierOrderAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "reference",
        "order_item",
        "supplier_order_id",
        "status",
        "attempts",
        "updated_at",
    )
    list_filter = ("status",)
    search_fields = ("=reference", "=supplier_order_id")
    list_select_related = ("order_item",)
    fields = (
        "reference",
        "order_item",
        "supplier_order_id",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
