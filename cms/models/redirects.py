"""SEO redirect rules and the log of paths that answered 404.

Rules are served by cms.middleware on 404 responses only, from a compiled copy each
process keeps in memory (cms.services.redirect_rules); a save or delete bumps its version
so every process reloads within seconds. Hit counts are written with QuerySet.update(),
which sends no signal, so counting never invalidates the compiled rules.
"""

from django.db import models


class RedirectRule(models.Model):
    class Match(models.TextChoices):
        EXACT = "exact", "Exact path"
        PREFIX = "prefix", "Path prefix"
        # Python syntax, matched against the path (without the query string) from its
        # start; numbered or named groups are substituted into the target as $1, $2…
        REGEX = "regex", "Regular expression"

    class StatusCode(models.IntegerChoices):
        MOVED_PERMANENTLY = 301, "301 Moved permanently"
        FOUND = 302, "302 Found (temporary)"
        GONE = 410, "410 Gone"

    class Origin(models.TextChoices):
        MANUAL = "manual", "Added by staff"
        SLUG_CHANGE = "slug_change", "Slug changed"
        IMPORT = "import", "CSV import"
        NOT_FOUND_LOG = "not_found_log", "From the 404 log"

    match = models.CharField(max_length=10, choices=Match.choices, default=Match.EXACT)
    source = models.CharField(max_length=500)
    # A path (/stores/) or an absolute http(s) URL; blank only for 410.
    target = models.CharField(max_length=1000, blank=True)
    status_code = models.PositiveSmallIntegerField(
        choices=StatusCode.choices, default=StatusCode.MOVED_PERMANENTLY
    )
    keep_query_string = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True, db_index=True)
    # Lower first, among rules of the same kind that could both match.
    priority = models.PositiveSmallIntegerField(default=100)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.MANUAL)
    note = models.CharField(max_length=200, blank=True)
    hits = models.PositiveBigIntegerField(default=0)
    last_hit_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["match", "priority", "source"]
        constraints = [
            models.UniqueConstraint(fields=["match", "source"], name="cms_redirect_source_once")
        ]

    def __str__(self):
        return f"{self.source} → {self.target or self.status_code}"


class NotFoundEntry(models.Model):
    """One path that answered 404 (no view, no rule), counted. The query string is not
    part of it: scanners vary it endlessly."""

    # sha256 of the path: a unique index on the path itself would limit its length.
    path_hash = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=2000)
    hits = models.PositiveBigIntegerField(default=1)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    last_referrer = models.CharField(max_length=500, blank=True)
    # Set when staff made a rule for it ("Create redirect"); it stops being listed as open.
    redirect = models.ForeignKey(
        RedirectRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "404 log entry"
        verbose_name_plural = "404 log"
        ordering = ["-hits"]
        indexes = [models.Index(fields=["-hits"], name="cms_notfound_hits")]

    def __str__(self):
        return self.path
