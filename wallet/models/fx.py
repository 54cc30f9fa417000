from django.db import models
from django.db.models import Q


class FxRate(models.Model):
    """How many platform-currency units one unit of `currency` was worth on `date`.

    Sales reported in another currency are converted at the rate of their sale date (or
    the latest one in the week before it). Staff keep the table, in the admin or with
    `manage.py import_fx_rates`; nothing is fetched from the network.
    """

    date = models.DateField()
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    source = models.CharField(max_length=100, blank=True, help_text="Where the rate came from.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "currency"]
        verbose_name = "FX rate"
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="wallet_fxrate_unique"),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="wallet_fxrate_positive",
                violation_error_message="A rate must be above zero.",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.currency} {self.rate}"
