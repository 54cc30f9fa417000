from django.contrib import admin

from accounts.admin_base import AuditedAdminMixin, BigTableAdmin, ReadOnlyAdminMixin

from .models import Account, CashbackEvent, Entry, Transaction, WithdrawalMethod


@admin.register(WithdrawalMethod)
class WithdrawalMethodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "is_enabled", "minimum_amount", "fee_fixed", "fee_percent")
    list_editable = ("is_enabled", "minimum_amount", "fee_fixed", "fee_percent")
    list_filter = ("is_enabled",)


# The ledger is history: staff read it here; money moves only through wallet services.


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("id", "owner", "kind", "currency", "balance", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("owner__email",)
    list_select_related = ("owner",)


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("account", "amount", "balance_after")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("id", "created_at", "kind", "reference", "memo", "actor")
    list_filter = ("kind",)
    search_fields = ("reference", "idempotency_key", "memo")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    inlines = (EntryInline,)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("id", "created_at", "account", "amount", "balance_after", "transaction")
    list_filter = ("account__kind",)
    search_fields = ("account__owner__email", "transaction__reference")
    list_select_related = ("account__owner", "transaction")
    raw_id_fields = ("account", "transaction")


@admin.register(CashbackEvent)
class CashbackEventAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "external_txn_id",
        "user",
        "merchant",
        "cashback_amount",
        "status",
        "network_status",
        "expected_confirmation_at",
        "created_at",
    )
    list_filter = ("status", "network_status", "network")
    search_fields = ("external_txn_id", "user__email", "click_uuid")
    list_select_related = ("user", "merchant")
    date_hierarchy = "created_at"
