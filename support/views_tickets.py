"""The support centre: my tickets, a new ticket, one ticket's thread with a reply box.

Thin over support.services.tickets. The one access check (support.access) decides who
sees a ticket: its requester and support staff; anyone else gets a 404, never a 403.
Internal notes never reach these pages. Attachments are downloaded through
`attachment`, after the same check."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from config.errors import Refusal, form_refused

from .access import is_support_staff, ticket_visible_to, tickets_visible_to
from .models import Ticket, TicketAttachment, TicketMessage
from .services.attachments import MAX_FILES
from .services.tickets import PLAIN_STATUS, ticket_open_by_requester, ticket_reply_requester


class TicketForm(forms.Form):
    subject = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=Ticket.Category.choices)
    priority = forms.ChoiceField(choices=Ticket.Priority.choices, initial=Ticket.Priority.NORMAL)
    message = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply", max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )


def _files(request):
    return request.FILES.getlist("attachments")


@login_required
def centre(request):
    tickets = tickets_visible_to(request.user).filter(requester=request.user)
    return render(
        request,
        "support/tickets/centre.html",
        {"tickets": tickets.order_by("-updated_at", "-id")[:200]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_open_by_requester(
                requester=request.user, files=_files(request), **form.cleaned_data
            )
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(request, f"Ticket {ticket.number} opened: we will answer soon.")
            return redirect("support:ticket", number=ticket.number)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "support/tickets/new.html",
        {"form": form, "max_files": MAX_FILES},
        status=status,
    )


def _visible_ticket(request, number) -> Ticket:
    ticket = Ticket.objects.filter(number=number).select_related("requester").first()
    if ticket is None or not ticket_visible_to(request.user, ticket):
        raise Http404
    return ticket


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, number):
    ticket = _visible_ticket(request, number)
    if ticket.merged_into_id is not None and request.method == "GET":
        # Its messages moved to the ticket kept (same requester): its own page is empty.
        kept = Ticket.objects.only("number").get(pk=ticket.merged_into_id)
        messages.info(
            request,
            f"{ticket.number} was merged into {kept.number}: the whole conversation is here.",
        )
        return redirect("support:ticket", number=kept.number)
    is_requester = ticket.requester_id == request.user.pk
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not is_requester:
            # Staff answer from the admin, where the SLA, status and notes are.
            raise Http404
        if form.is_valid():
            try:
                ticket_reply_requester(
                    ticket=ticket,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    files=_files(request),
                )
            except Refusal as refused:
                form_refused(form, refused)
            else:
                messages.success(request, "Reply sent.")
                return redirect("support:ticket", number=ticket.number)
    thread = (
        TicketMessage.objects.filter(ticket=ticket, is_internal=False)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=TicketAttachment.objects.order_by("pk")))
    )
    return render(
        request,
        "support/tickets/detail.html",
        {
            "ticket": ticket,
            "thread": thread.order_by("created_at", "id"),
            "status_text": PLAIN_STATUS[ticket.status],
            "form": form,
            "can_reply": is_requester and ticket.status != Ticket.Status.CLOSED,
            "max_files": MAX_FILES,
        },
        status=400 if request.method == "POST" else 200,
    )


def attachment(request, pk):
    """A file, to whoever may see its ticket (and, for an internal note's file, to support
    staff only); anyone else, logged in or not, gets a 404."""
    item = TicketAttachment.objects.select_related("message__ticket").filter(pk=pk).first()
    if item is None or not ticket_visible_to(request.user, item.message.ticket):
        raise Http404
    if item.message.is_internal and not is_support_staff(request.user):
        raise Http404
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
