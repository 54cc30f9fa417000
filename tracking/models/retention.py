from django.db import models


class PruneState(models.Model):
    """How far `prune_raw_data` has cleared one raw table (named by its model label).

    `pruned_before`: rows created before it may be gone, so the roll-ups never recount
    them (their figures are kept in the daily tables and in OfferClicksBefore).
    `through_id`: every row up to this id was looked at; the next run starts after it, so
    a daily run reads one day of rows, not the whole history of kept ones.
    """

    table = models.CharField(max_length=60, unique=True)
    pruned_before = models.DateTimeField(null=True, blank=True)
    through_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.table} before {self.pruned_before} (through #{self.through_id})"


class OfferClicksBefore(models.Model):
    """An offer's clicks made before the clicks' prune boundary: the part of its
    clicks_count that `rebuild_rollups` can no longer recount from the raw rows. Added to
    when the boundary moves, before any click behind it is deleted."""

    offer = models.OneToOneField(
        "offers.Offer", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    clicks = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "offer clicks before the prune boundary"

    def __str__(self):
        return f"offer {self.offer_id}: {self.clicks} clicks before the boundary"
