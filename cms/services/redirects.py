"""Redirect rules: what may be saved, and saving them (the admin form, the CSV import, the
404 log's "Create redirect" and the slug-change receiver all come through here).

Refused: a source that is no path, a regex that does not compile, a target on another
scheme than http(s) or one a browser reads as another host ("//evil.example"), an
absolute target on a host that is neither ours nor in CMS_REDIRECT_ALLOWED_HOSTS (a
redirect from our domain to anywhere is a phishing link with our name on it), a target
using a group the regex lacks, a 301/302 without target, a loop (the target comes back
to the source, directly or through another rule) and a chain (the target is itself
redirected, or another rule already points at this source): one hop, always, so search
engines and shoppers never follow two redirects. Slug changes re-point the rules that
pointed at the old URL instead (cms.services.slug_redirects).
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.http.request import validate_host
from django.urls import Resolver404, resolve

from config.errors import Refusal

from ..models import NotFoundEntry, RedirectRule
from .not_found import path_hash
from .redirect_rules import (
    GROUP_REFERENCE,
    matcher_build,
    path_decoded,
    prefix_covers,
    regex_too_costly,
    substitute,
)


class RedirectRefused(Refusal):
    code = "redirect_refused"


@dataclass
class RuleInput:
    match: str
    source: str
    target: str
    status_code: int
    keep_query_string: bool = True
    is_active: bool = True
    priority: int = 100
    note: str = ""
    warnings: list[str] = field(default_factory=list)


_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


def _own_path(target: str) -> str | None:
    """The path on this site a target leads to, None when it leads elsewhere."""
    parts = urlsplit(target)
    if not parts.scheme:
        return path_decoded(parts.path)  # as the browser's next request arrives
    own = urlsplit(settings.SITE_URL)
    if parts.scheme == own.scheme and parts.netloc == own.netloc:
        return path_decoded(parts.path or "/")
    return None


def _check_source(rule: RuleInput) -> re.Pattern | None:
    if not rule.source:
        raise RedirectRefused("source_required", "Give the path to redirect.", "source")
    if rule.match == RedirectRule.Match.REGEX:
        try:
            pattern = re.compile(rule.source)
        except re.error as exc:
            raise RedirectRefused(
                "regex_invalid", f"This regular expression does not compile: {exc}.", "source"
            ) from exc
        risk = regex_too_costly(rule.source)
        if risk:
            raise RedirectRefused(
                "regex_too_costly",
                f"This regular expression could take forever on some paths: {risk}. "
                "Every 404 of the site tries it; write it without nested repeats.",
                "source",
            )
        return pattern
    if not rule.source.startswith("/") or _CONTROL.search(rule.source):
        raise RedirectRefused(
            "source_not_path",
            'The source must be a path starting with "/" (no spaces), without the domain.',
            "source",
        )
    if "?" in rule.source:
        raise RedirectRefused(
            "source_has_query",
            "Rules match the path only; leave the query string out of the source.",
            "source",
        )
    return None


def _check_target_host(parts) -> None:
    own = urlsplit(settings.SITE_URL).hostname or ""
    allowed = [own, *settings.CMS_REDIRECT_ALLOWED_HOSTS]
    # "@" also covers https://savebucks.example@evil.example/, another host to a browser.
    if "@" in parts.netloc or not validate_host(parts.hostname or "", allowed):
        raise RedirectRefused(
            "target_host_not_allowed",
            f"{parts.hostname or parts.netloc} is not one of the hosts a redirect may lead "
            "to (CMS_REDIRECT_ALLOWED_HOSTS); use a path on this site.",
            "target",
        )


def _check_target(rule: RuleInput, pattern: re.Pattern | None) -> None:
    if rule.status_code == RedirectRule.StatusCode.GONE:
        rule.target = ""  # a 410 goes nowhere
        return
    if not rule.target:
        raise RedirectRefused("target_required", "A 301 or 302 needs a target.", "target")
    if _CONTROL.search(rule.target):
        raise RedirectRefused(
            "target_invalid", "The target cannot contain spaces or backslashes.", "target"
        )
    parts = urlsplit(rule.target)
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RedirectRefused(
                "target_scheme", "An absolute target must be an http(s) URL.", "target"
            )
        if "$" in parts.netloc:
            raise RedirectRefused(
                "target_host_variable", "The host of a target cannot come from the path.", "target"
            )
        _check_target_host(parts)
    elif not rule.target.startswith("/") or rule.target.startswith("//"):
        raise RedirectRefused(
            "target_not_path",
            'The target must be a path starting with one "/" or an http(s) URL.',
            "target",
        )
    for reference in GROUP_REFERENCE.finditer(rule.target):
        if reference.group(3):
            continue
        if pattern is None:
            raise RedirectRefused(
                "target_group_without_regex",
                "Only regular-expression rules have groups to use as $1.",
                "target",
            )
        number, name = reference.group(1), reference.group(2)
        lacking = (
            int(number) > pattern.groups
            if number
            else (
                name not in pattern.groupindex
                and not (name.isdigit() and int(name) <= pattern.groups)
            )
        )
        if lacking:
            raise RedirectRefused(
                "target_group_missing",
                f"The target uses {reference.group(0)}, a group the regex does not have.",
                "target",
            )


def _sample_target_path(rule: RuleInput) -> str | None:
    """The path the target leads to, with every group as a stand-in word (for loops)."""
    path = _own_path(rule.target)
    if path is None:
        return None
    return GROUP_REFERENCE.sub(lambda ref: "$" if ref.group(3) else "x", path)


def _matches_source(rule: RuleInput, pattern, path: str) -> bool:
    # Both forms of the source, as the matcher registers them (redirect_rules._path_forms).
    sources = {rule.source, path_decoded(rule.source)}
    if rule.match == RedirectRule.Match.EXACT:
        # The matcher's slash fallback: `/a/` → `/a` comes straight back to `/a/`.
        slashed = settings.APPEND_SLASH and not path.endswith("/") and path + "/" in sources
        return path in sources or slashed
    if rule.match == RedirectRule.Match.PREFIX:
        return any(prefix_covers(source, path) for source in sources)
    return bool(pattern.match(path))


def _check_hops(rule: RuleInput, pattern, exclude_pk: int | None) -> None:
    """Loops and chains, against the active rules in the database (a fresh read, not the
    process's cached copy: a rule saved a moment ago elsewhere counts)."""
    if not rule.is_active or rule.status_code == RedirectRule.StatusCode.GONE:
        return
    target_path = _sample_target_path(rule)
    if target_path is None:
        return
    if _matches_source(rule, pattern, target_path):
        raise RedirectRefused(
            "redirect_loop",
            f"{rule.target} is matched by this rule's own source: it would redirect to itself.",
            "target",
        )
    others = RedirectRule.objects.filter(is_active=True).exclude(
        status_code=RedirectRule.StatusCode.GONE
    )
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    others = list(others)
    found = matcher_build(others).find(target_path)
    if found is not None:
        other, match = found
        onward = _own_path(substitute(other.target, match))
        if onward is not None and _matches_source(rule, pattern, onward):
            raise RedirectRefused(
                "redirect_loop",
                f"Loop: {target_path} is redirected back to {onward} by the rule "
                f"{other.source} → {other.target}.",
                "target",
            )
        raise RedirectRefused(
            "redirect_chain",
            f"{target_path} is itself redirected to {other.target} (rule {other.source}). "
            "Point this rule at the final target: one hop only.",
            "target",
        )
    for other in others:
        other_path = _sample_target_path(
            RuleInput(other.match, other.source, other.target, other.status_code)
        )
        if other_path is not None and _matches_source(rule, pattern, other_path):
            raise RedirectRefused(
                "redirect_chain",
                f"The rule {other.source} → {other.target} already leads here; it would "
                "become a chain of two hops. Point it at the final target first.",
                "source",
            )


def _warn_if_view_answers(rule: RuleInput) -> None:
    if rule.match != RedirectRule.Match.EXACT:
        return
    try:
        resolve(rule.source)
    except Resolver404:
        return
    rule.warnings.append(
        f"A page of the site answers URLs like {rule.source}: the rule only applies when "
        "that page answers 404 (rules run on 404s only)."
    )


def redirect_validate(rule: RuleInput, *, exclude_pk: int | None = None) -> RuleInput:
    """Refuse what cannot be saved (RedirectRefused, naming the field); fill
    `rule.warnings` with what is allowed but probably pointless.

    Takes the rule-write lock: the admin validates in its form's clean() and saves in
    save_model(), both inside the transaction of its change view, so the lock taken here
    covers both and a refusal is a form error, never a 500 from save_model()."""
    _rule_writes_serialised()
    rule.source = rule.source.strip()
    rule.target = rule.target.strip()
    if rule.match not in RedirectRule.Match.values:
        raise RedirectRefused("match_invalid", "Match must be exact, prefix or regex.", "match")
    if rule.status_code not in RedirectRule.StatusCode.values:
        raise RedirectRefused("status_invalid", "Status must be 301, 302 or 410.", "status_code")
    pattern = _check_source(rule)
    _check_target(rule, pattern)
    _check_hops(rule, pattern, exclude_pk)
    _warn_if_view_answers(rule)
    return rule


def not_found_link(rule: RedirectRule) -> None:
    """The 404 log stops listing a path as open once an exact rule covers it."""
    if rule.match == RedirectRule.Match.EXACT:
        NotFoundEntry.objects.filter(path_hash=path_hash(rule.source), redirect=None).update(
            redirect=rule
        )


# Any number the other advisory locks of the project do not use (there are none so far).
RULE_WRITE_LOCK = 16_0002


def _rule_writes_serialised() -> None:
    """One rule write at a time, until its transaction ends. The loop and chain checks
    read the other rules: two staff saving /a/ → /b/ and /b/ → /a/ at the same moment
    would each pass them against a table without the other and commit a loop. Readers
    (the matcher, the hit counter) do not take it. SQLite writes one at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RULE_WRITE_LOCK])


@transaction.atomic
def redirect_save(
    rule: RuleInput, *, origin: str = RedirectRule.Origin.MANUAL, instance=None
) -> RedirectRule:
    """Validate and write one rule (a new one, or `instance` changed); a rule with the same
    match and source is updated in place (CSV imports are re-runnable)."""
    _rule_writes_serialised()  # before the look-up of `instance`, not only the checks
    if instance is None:
        instance = RedirectRule.objects.filter(match=rule.match, source=rule.source.strip()).first()
    redirect_validate(rule, exclude_pk=instance.pk if instance else None)
    if instance is None:
        instance = RedirectRule(origin=origin)
    for name in (
        "match",
        "source",
        "target",
        "status_code",
        "keep_query_string",
        "is_active",
        "priority",
        "note",
    ):
        setattr(instance, name, getattr(rule, name))
    instance.save()
    not_found_link(instance)
    return instance
