from django.db import models

from config.fields import MoneyField


class DailySalesFigures(models.Model):
    """One day of click-outs and of the sales they brought, for the staff report of top
    offers and stores and the home page's popular offers.

    Clicks are added by the minute rollup job as new clicks arrive; the sales columns are
    recounted for every day on which a cashback event was reported or changed status, so
    a sale rejected weeks later leaves its day's figures then. Sales count pending and
    confirmed cashback events only (rejected and reversed ones are not sales), on the day
    the shopper bought (`sale_at`); amounts are in the platform currency.
    Written by tracking.services.offer_stats, never by hand.
    """

    day = models.DateField()
    clicks = models.PositiveBigIntegerField(default=0)
    sales = models.PositiveIntegerField(default=0)
    approved_sales = models.PositiveIntegerField(default=0)  # confirmed
    priced_sales = models.PositiveIntegerField(default=0)  # reported with a sale amount
    sale_amount = MoneyField(default=0)
    cashback = MoneyField(default=0)
    commission = MoneyField(default=0)  # what the network pays us

    class Meta:
        abstract = True


class OfferDailyStats(DailySalesFigures):
    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name_plural = "offer daily stats"
        constraints = [
            # Day first: the report and the home page read a range of days.
            models.UniqueConstraint(fields=["day", "offer"], name="offers_offer_day_stats")
        ]

    def __str__(self):
        return f"offer {self.offer_id} {self.day}: {self.clicks} clicks, {self.sales} sales"


class MerchantDailyStats(DailySalesFigures):
    """A store's day, store-wide click-outs and sales without an offer included."""

    merchant = models.ForeignKey("offers.Merchant", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name_plural = "store daily stats"
        constraints = [
            models.UniqueConstraint(fields=["day", "merchant"], name="offers_merchant_day_stats")
        ]

    def __str__(self):
        return f"store {self.merchant_id} {self.day}: {self.clicks} clicks, {self.sales} sales"


class TopOffersReport(OfferDailyStats):
    """The staff page of top offers and stores (offers.admin_top_offers). A model only so
    that the page has its own entry in the admin and its own permission, which roles.py
    grants to the roles that need it."""

    class Meta:
        proxy = True
        verbose_name = "top offers and stores"
        verbose_name_plural = "top offers and stores"
        default_permissions = ()
        permissions = [("see_top_offers", "Can see and export the top offers and stores report")]
