from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import model_to_dict
from django.shortcuts import redirect, render

from config.errors import form_refused

from ..forms import ApplyForm
from ..models import Partner
from ..services.partners import PartnerRefused, partner_apply


@login_required
def apply(request):
    partner = Partner.objects.filter(user=request.user).first()
    if partner and partner.status != Partner.Status.REJECTED:
        return redirect("affiliates:dashboard" if partner.is_approved else "affiliates:pending")
    form = ApplyForm(
        request.POST or None,
        initial=model_to_dict(partner, fields=ApplyForm._meta.fields) if partner else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner_apply(user=request.user, **form.cleaned_data)
        except PartnerRefused as refused:
            form_refused(form, refused)
        else:
            messages.success(request, "Thanks: we will review your application shortly.")
            return redirect("affiliates:pending")
    return render(request, "affiliates/apply.html", {"form": form, "previous": partner})


@login_required
def pending(request):
    partner = Partner.objects.filter(user=request.user).first()
    if partner is None:
        return redirect("affiliates:apply")
    if partner.is_approved:
        return redirect("affiliates:dashboard")
    return render(request, "affiliates/pending.html", {"partner": partner})
