"""The active redirect rules, compiled once per process into dictionaries.

A 404 must not pay for the size of the rule table (the issue's bench: 10,000 rules cost
at most 10% more than none). So nothing here scans the rules:
- exact: one dict lookup;
- prefix: the path's own prefixes, longest first, each a dict lookup (as many lookups
  as there are distinct prefix lengths, not rules);
- regex: bucketed by their literal leading text (`^/shop/(…)` → "/shop/"); a path tries
  the buckets its own prefixes name, plus the few rules with no literal lead.
Precedence: exact, then the longest prefix, then regex by (priority, id).

Regexes are typed by staff and tried on every 404 a bot can send, so a pattern that can
backtrack exponentially (`^/(a+)+$`) would be a denial of service for the whole site.
Python's `re` has no timeout; instead such patterns are refused when saved and skipped
when compiled (`regex_too_costly`), and a regex is never tried on a path longer than
REGEX_MAX_PATH, which keeps the remaining polynomial cases (`.*.*.*`) cheap.

The compiled matcher lives in a RowCache (config/row_cache.py): any save or delete of a
rule bumps a version in the shared cache and every process rebuilds within a second.
Hits are counted with QuerySet.update(), which sends no signal, so counting never
invalidates.
"""

import logging
import re
import re._constants as sre_constants
import re._parser as sre_parser
import threading
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.encoding import repercent_broken_unicode

from config.row_cache import RowCache

from ..models import RedirectRule

logger = logging.getLogger(__name__)

# $1, ${1}, ${name} in a target; $$ is a literal dollar.
GROUP_REFERENCE = re.compile(r"\$(?:(\d+)|\{(\w+)\}|(\$))")
# What may stay unescaped when a captured piece of the path goes into a target: the
# path's own characters, never a newline (a header) or a backslash.
_SAFE_IN_TARGET = "/-._~!$&'()*+,;=:@%"
_REGEX_META = set(".^$*+?{}[]\\|()")
_ESCAPED_LITERALS = set("-./_~:!@#&%=,;'\"<> ")
# A regex rule is not tried on a longer path: three `.*` over 300 characters cost ~50 ms
# at worst, four over 500 characters several seconds.
REGEX_MAX_PATH = 300
# Repeats with a larger upper bound count as unbounded ones.
_WIDE_REPEAT = 10
MAX_WIDE_REPEATS = 3
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def path_decoded(path: str) -> str:
    """`path` as Django hands it to the views (request.path_info): percent-escapes decoded,
    bytes that are not UTF-8 left escaped. A source pasted from the browser's address bar
    (`/caf%C3%A9/`) must match the request for `/café/`, and the other way round."""
    return repercent_broken_unicode(unquote_to_bytes(path)).decode()


def prefix_covers(source: str, path: str) -> bool:
    """A prefix moves a section at a segment boundary: `/old` covers `/old` and `/old/a`,
    not `/older-stuff` (which it would send to `/new/er-stuff`)."""
    if not path.startswith(source):
        return False
    return source.endswith("/") or len(path) == len(source) or path[len(source)] == "/"


@dataclass(frozen=True)
class CompiledRule:
    id: int
    match: str
    source: str
    target: str
    status_code: int
    keep_query_string: bool
    priority: int
    pattern: re.Pattern | None = None


@dataclass(frozen=True)
class Redirect:
    rule: CompiledRule
    location: str  # blank for 410


def literal_lead(pattern: str) -> str:
    """The text every match of `pattern` (used with re.match) starts with, "" if unsure.

    Conservative: an alternation anywhere, inline flags, or anything unusual ends the
    lead, so a rule can only ever be tried too often, never skipped."""
    if "|" in pattern:
        return ""
    i = 0
    if pattern.startswith("^"):
        i = 1
    elif pattern.startswith("\\A"):
        i = 2
    lead: list[str] = []
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 < len(pattern) and pattern[i + 1] in _ESCAPED_LITERALS:
                piece, step = pattern[i + 1], 2
            else:
                break
        elif char in _REGEX_META:
            break
        else:
            piece, step = char, 1
        following = pattern[i + step : i + step + 1]
        if following and following in "?*{":
            break  # this character is optional: the lead ends before it
        if following == "+":
            lead.append(piece)
            break
        lead.append(piece)
        i += step
    return "".join(lead)


def _path_forms(rule: CompiledRule) -> list[CompiledRule]:
    """The rule as written, then (if different) under its decoded source: the request's
    path is decoded, and staff write either form (`/café/` typed, `/caf%C3%A9/` pasted
    from an address bar or a CSV, a decoded path taken from the 404 log). Never decoded
    at save time: `/50%2541/` would turn into another path each time it was decoded."""
    decoded = path_decoded(rule.source)
    if decoded == rule.source:
        return [rule]
    return [rule, replace(rule, source=decoded)]


def _children(op, value) -> list:
    """The sub-patterns of one node of re's parse tree."""
    if op == sre_constants.BRANCH:
        return list(value[1])
    if op == sre_constants.SUBPATTERN:
        return [value[3]]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [value[1]]
    if op == sre_constants.GROUPREF_EXISTS:
        return [part for part in value[1:] if part is not None]
    if op == sre_constants.ATOMIC_GROUP:
        return [value]
    if op == sre_constants.POSSESSIVE_REPEAT:
        return [value[2]]  # it never gives back, but what it repeats may still backtrack
    return []


def _risks(nodes, inside_wide: bool, found: dict) -> None:
    for op, value in nodes:
        if op in _REPEATS:
            _low, high, body = value
            if high > 1 and inside_wide:
                found["nested"] = True
            wide = high >= _WIDE_REPEAT
            found["wide"] += wide
            if wide and any(child_op == sre_constants.BRANCH for child_op, _ in _flat(body)):
                found["alternation"] = True
            _risks(body, inside_wide or wide, found)
        else:
            for child in _children(op, value):
                _risks(child, inside_wide, found)


def _flat(nodes):
    """Nodes of `nodes`, looking through groups (not through repeats)."""
    for op, value in nodes:
        yield op, value
        if op == sre_constants.SUBPATTERN:
            yield from _flat(value[3])


def regex_too_costly(source: str) -> str | None:
    """Why matching this (compilable) regex could take exponential or runaway time, or
    None. Possessive repeats and atomic groups do not backtrack and are always fine."""
    found = {"nested": False, "alternation": False, "wide": 0}
    _risks(sre_parser.parse(source), False, found)
    if found["nested"]:
        return "a repeated group contains another repeat, like (a+)+"
    if found["alternation"]:
        return "a repeated group contains alternatives, like (a|ab)*"
    if found["wide"] > MAX_WIDE_REPEATS:
        return f"it has more than {MAX_WIDE_REPEATS} open-ended repeats (*, +, {{n,}})"
    return None


class Matcher:
    def __init__(self, rules: list[CompiledRule]):
        self.exact: dict[str, CompiledRule] = {}
        self.prefix: dict[str, CompiledRule] = {}
        self.regex_buckets: dict[str, list[CompiledRule]] = {}
        self.regex_anywhere: list[CompiledRule] = []
        ordered = sorted(rules, key=lambda rule: (rule.priority, rule.id))
        for rule in ordered:
            if rule.match == RedirectRule.Match.EXACT:
                for form in _path_forms(rule):
                    self.exact.setdefault(form.source, form)
            elif rule.match == RedirectRule.Match.PREFIX:
                for form in _path_forms(rule):
                    self.prefix.setdefault(form.source, form)
            elif rule.pattern is not None:
                lead = literal_lead(rule.source)
                if lead:
                    self.regex_buckets.setdefault(lead, []).append(rule)
                else:
                    self.regex_anywhere.append(rule)
        self.prefix_lengths = sorted({len(source) for source in self.prefix}, reverse=True)
        self.bucket_lengths = sorted({len(lead) for lead in self.regex_buckets}, reverse=True)
        self.size = len(rules)

    def find(self, path: str) -> tuple[CompiledRule, re.Match | None] | None:
        rule = self.exact.get(path)
        if rule is None and settings.APPEND_SLASH and not path.endswith("/"):
            # `/old-stores` for the rule `/old-stores/`: CommonMiddleware only appends the
            # slash when a view answers the slashed path, which a redirected one never is.
            rule = self.exact.get(path + "/")
        if rule is not None:
            return rule, None
        for length in self.prefix_lengths:
            if length <= len(path):
                rule = self.prefix.get(path[:length])
                if rule is not None and prefix_covers(rule.source, path):
                    return rule, None
        if len(path) > REGEX_MAX_PATH:
            return None
        candidates = list(self.regex_anywhere)
        for length in self.bucket_lengths:
            if length <= len(path):
                candidates += self.regex_buckets.get(path[:length], ())
        if len(candidates) > 1:
            candidates.sort(key=lambda rule: (rule.priority, rule.id))
        for rule in candidates:
            found = rule.pattern.match(path)
            if found:
                return rule, found
        return None


def substitute(target: str, found: re.Match | None) -> str:
    """`target` with $1 / ${name} replaced by what the path captured (escaped)."""
    if found is None or "$" not in target:
        return target

    def replace(reference: re.Match) -> str:
        if reference.group(3):
            return "$"
        group = reference.group(1) or reference.group(2)
        key = int(group) if group.isdigit() else group
        try:
            value = found.group(key) or ""
        except IndexError:  # refused when saved; a rule edited in the database: nothing
            value = ""
        return quote(value, safe=_SAFE_IN_TARGET)

    return GROUP_REFERENCE.sub(replace, target)


def _with_query(location: str, query: str) -> str:
    """The request's query string added to `location`; the target's own parameters win
    over the request's parameters of the same name."""
    if not query:
        return location
    parts = urlsplit(location)
    if not parts.query:
        return urlunsplit(parts._replace(query=query))
    own = parse_qsl(parts.query, keep_blank_values=True)
    names = {name for name, _ in own}
    extra = [(n, v) for n, v in parse_qsl(query, keep_blank_values=True) if n not in names]
    merged = parts.query + ("&" + urlencode(extra) if extra else "")
    return urlunsplit(parts._replace(query=merged))


def location_for(rule: CompiledRule, found: re.Match | None, path: str, query: str) -> str:
    if rule.status_code == RedirectRule.StatusCode.GONE:
        return ""
    location = substitute(rule.target, found)
    if rule.match == RedirectRule.Match.PREFIX and not urlsplit(location).query:
        # A prefix moves a whole section: /old-blog/a/ → /blog/a/.
        rest = path[len(rule.source) :]
        if rest:
            location = location.rstrip("/") + "/" + quote(rest.lstrip("/"), safe=_SAFE_IN_TARGET)
    if location.startswith("/"):
        # A capture could start with "/" (`/$1` on `/shop//evil.example`): a path that
        # begins "//" or "/\" is another host to a browser.
        location = "/" + location.lstrip("/\\")
    if rule.keep_query_string:
        location = _with_query(location, query)
    return location


def _compile(rule: RedirectRule) -> CompiledRule | None:
    pattern = None
    if rule.match == RedirectRule.Match.REGEX:
        try:
            pattern = re.compile(rule.source)
        except re.error:
            # Saved before validation existed, or by hand in the database: skipped, not 500.
            logger.warning("redirect rule %s has an invalid regex", rule.pk)
            return None
        if regex_too_costly(rule.source):
            # Saved before the check existed: one such rule must not hang every 404.
            logger.warning("redirect rule %s has a regex that can backtrack forever", rule.pk)
            return None
    return CompiledRule(
        id=rule.pk,
        match=rule.match,
        source=rule.source,
        target=rule.target,
        status_code=rule.status_code,
        keep_query_string=rule.keep_query_string,
        priority=rule.priority,
        pattern=pattern,
    )


def matcher_build(rules=None) -> Matcher:
    if rules is None:
        rules = RedirectRule.objects.filter(is_active=True).only(
            "match", "source", "target", "status_code", "keep_query_string", "priority"
        )
    return Matcher([c for c in (_compile(rule) for rule in rules) if c is not None])


def _fingerprint() -> tuple:
    """Cheap to read, moves with any change of the active rules: a save moves updated_at
    (the QuerySet.update()s of slug changes set it too), a delete or a switch-off the
    count. Hit counting changes neither."""
    found = RedirectRule.objects.filter(is_active=True).aggregate(
        count=Count("id"), latest=Max("updated_at"), top=Max("id")
    )
    return (found["count"], found["latest"], found["top"])


# Per RowCache name (the bench runs two): (its change count, fingerprint, matcher).
_built: dict[str, tuple[int, tuple, Matcher]] = {}
_build_lock = threading.Lock()


def _load(_key) -> Matcher:
    """The matcher, compiled again only when something changed.

    The row cache drops its rows once a minute even when nothing changed (its net under a
    lost version bump); compiling 10,000 rules takes ~0.3 s, a stall for one 404 of each
    process every minute. So when the cache's rows were dropped for age only (its
    `changes` did not move) and the rules' fingerprint is the same, the old matcher is
    kept for the price of one aggregate query. The lock keeps the threads of a process
    that all found the rows dropped from compiling at once: the first compiles, the
    others find its matcher. The fingerprint is read before the rules, so a rule saved
    meanwhile can only make the next look compile again, never be missed."""
    row_cache = compiled_rules
    with _build_lock:
        changes = row_cache.changes
        fingerprint = _fingerprint()
        built = _built.get(row_cache.name)
        if built is not None and built[0] == changes and built[1] == fingerprint:
            return built[2]
        matcher = matcher_build()
        _built[row_cache.name] = (changes, fingerprint, matcher)
        return matcher


compiled_rules = RowCache("redirect-rules", _load, depends_on=(RedirectRule,), max_rows=1)


def active_matcher() -> Matcher:
    return compiled_rules.get("rules")


def redirect_find(path: str, query: str = "") -> Redirect | None:
    found = active_matcher().find(path)
    if found is None:
        return None
    rule, match = found
    return Redirect(rule=rule, location=location_for(rule, match, path, query))


def hit_count(rule_id: int) -> None:
    """Count a hit. A read-only replica or a locked row must not turn a redirect into a
    500: the redirect matters, the counter does not."""
    try:
        with transaction.atomic():
            RedirectRule.objects.filter(pk=rule_id).update(
                hits=F("hits") + 1, last_hit_at=timezone.now()
            )
    except DatabaseError:
        logger.warning("could not count a hit of redirect rule %s", rule_id, exc_info=True)
