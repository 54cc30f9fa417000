"""Races and challenges pages: thin over the services and selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import Refusal, form_refused

from .models import ChallengeEntry, ExternalAccount, Race
from .selectors_races import archives_for_page, race_chart, race_me, race_prize_rows, race_top
from .services.challenges import challenge_enter, challenge_is_open, challenges_visible
from .services.external_accounts import external_account_submit


class ExternalAccountForm(forms.Form):
    uid = forms.CharField(label="Your user id on the partner platform", max_length=100)


class ChallengeEntryForm(forms.Form):
    proof_url = forms.CharField(label="Link to your proof", max_length=500)
    note = forms.CharField(label="Note", required=False, max_length=1000, widget=forms.Textarea)


def races(request):
    account = None
    if request.user.is_authenticated:
        account = ExternalAccount.objects.filter(user=request.user).first()
    return render(
        request,
        "gamification/races/list.html",
        {
            "live": Race.objects.filter(status=Race.Status.LIVE).order_by("ends_at"),
            "upcoming": Race.objects.filter(status=Race.Status.UPCOMING).order_by("starts_at"),
            "account": account,
            "form": ExternalAccountForm(initial={"uid": account.uid if account else ""}),
        },
    )


@login_required
@require_POST
def external_account_link(request):
    form = ExternalAccountForm(request.POST)
    if form.is_valid():
        try:
            external_account_submit(user=request.user, uid=form.cleaned_data["uid"])
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(request, "Saved: staff will verify it before you join races.")
            return redirect("gamification:races")
    return render(
        request,
        "gamification/races/list.html",
        {
            "live": Race.objects.filter(status=Race.Status.LIVE).order_by("ends_at"),
            "upcoming": Race.objects.filter(status=Race.Status.UPCOMING).order_by("starts_at"),
            "account": ExternalAccount.objects.filter(user=request.user).first(),
            "form": form,
        },
        status=400,
    )


def race_detail(request, slug):
    race = Race.objects.filter(slug=slug).first()
    if race is None:
        raise Http404
    return render(
        request,
        "gamification/races/detail.html",
        {
            "race": race,
            "prizes": race_prize_rows(race),
            "entries": race_top(race, request.user),
            "me": race_me(race, request.user),
            "chart": race_chart(race, request.user),
            "now": timezone.now(),
        },
    )


def races_past(request):
    return render(
        request,
        "gamification/races/past.html",
        {"archives": archives_for_page(request.user)},
    )


def _challenges_page(request, form=None, form_for=None, status=200):
    rows = list(challenges_visible().order_by("-starts_at", "-id")[:50])
    mine = {}
    if request.user.is_authenticated:
        mine = {
            e.challenge_id: e
            for e in ChallengeEntry.objects.filter(user=request.user, challenge__in=rows)
        }
    for challenge in rows:
        challenge.is_open = challenge_is_open(challenge)
        challenge.my_entry = mine.get(challenge.pk)
        challenge.form = form if form_for == challenge.pk else ChallengeEntryForm()
    return render(request, "gamification/challenges/list.html", {"challenges": rows}, status=status)


def challenges(request):
    return _challenges_page(request)


@login_required
@require_POST
def challenge_enter_view(request, challenge_id):
    if not challenges_visible().filter(pk=challenge_id).exists():
        raise Http404
    form = ChallengeEntryForm(request.POST)
    if form.is_valid():
        try:
            challenge_enter(challenge_id=challenge_id, user=request.user, **form.cleaned_data)
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(request, "Entry received: staff will review your proof.")
            return redirect("gamification:challenges")
    return _challenges_page(request, form=form, form_for=challenge_id, status=400)
