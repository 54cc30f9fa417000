from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config import csv_export
from config.errors import Refusal, form_refused

from .forms import WithdrawForm
from .models import Account, CashbackEvent, Withdrawal
from .selectors import monthly_earnings, statement_entries, upcoming_confirmations, wallet_summary
from .services.withdrawals import (
    METHOD_FIELDS,
    withdrawal_cancel,
    withdrawal_request,
)

STATEMENT_ACCOUNTS = {
    "available": Account.Kind.AVAILABLE,
    "pending": Account.Kind.PENDING,
    "hold": Account.Kind.HOLD,
}


@login_required
def dashboard(request):
    return render(
        request,
        "wallet/dashboard.html",
        {
            "wallet": wallet_summary(user=request.user),
            "events": CashbackEvent.objects.filter(user=request.user)
            .select_related("merchant")
            .order_by("-sale_at", "-id")[:10],
            "upcoming": upcoming_confirmations(user=request.user),
            "chart": monthly_earnings(user=request.user),
        },
    )


def _statement_kind(request) -> str:
    kind = STATEMENT_ACCOUNTS.get(request.GET.get("account", "available"))
    if kind is None:
        raise Http404("No such account.")
    return kind


@login_required
def statement(request):
    kind = _statement_kind(request)
    page = Paginator(statement_entries(user=request.user, kind=kind), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "wallet/statement.html",
        {
            "page": page,
            "account": kind,
            "accounts": STATEMENT_ACCOUNTS,
            "wallet": wallet_summary(user=request.user),
        },
    )


@login_required
def statement_csv(request):
    kind = _statement_kind(request)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="savebucks-statement-{kind}.csv"'
    writer = csv_export.writer(response)
    writer.writerow(
        ["date", "description", "amount", "balance_before", "balance_after", "reference"]
    )
    for entry in statement_entries(user=request.user, kind=kind).iterator(chunk_size=1000):
        writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.transaction.memo or entry.transaction.kind,
                entry.amount,
                entry.balance_before,
                entry.balance_after,
                entry.transaction.reference,
            ]
        )
    return response


@login_required
def withdraw(request):
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal = withdrawal_request(
                user=request.user,
                method_code=form.cleaned_data["method"].code,
                amount=form.cleaned_data["amount"],
                details=form.details(),
                password=form.cleaned_data["password"],
                request=request,
            )
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(
                request,
                f"Withdrawal of {withdrawal.currency} {withdrawal.amount} requested: you will "
                f"receive {withdrawal.currency} {withdrawal.net_amount} after fees.",
            )
            return redirect("wallet:withdraw")
    return render(
        request,
        "wallet/withdraw.html",
        {
            "form": form,
            "wallet": wallet_summary(user=request.user),
            "withdrawals": Withdrawal.objects.filter(user=request.user).select_related("method")[
                :20
            ],
            "method_fields": {
                code: [f.name for f in fields] for code, fields in METHOD_FIELDS.items()
            },
        },
    )


@login_required
@require_POST
def withdrawal_cancel_view(request, withdrawal_id):
    withdrawal = get_object_or_404(Withdrawal, pk=withdrawal_id, user=request.user)
    if withdrawal_cancel(withdrawal=withdrawal, user=request.user):
        messages.success(request, "Withdrawal cancelled: the money is back in your balance.")
    else:
        messages.error(request, "Only a pending withdrawal can be cancelled.")
    return redirect("wallet:withdraw")
