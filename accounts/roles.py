"""Staff roles are Django groups; this table says what each may do.

A rule is (app label, model name or "*", actions). The data migration creates the groups;
after every `migrate` the same table grants permissions of models added since, so a new
model reaches the right roles without another migration. Grants are only ever added:
permissions staff take away by hand stay away until the table itself changes.
"""

from django.db.models import Q

ANY = ("*",)  # every permission, custom ones too
ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
EDIT = ("add", "change", "view")

ROLES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "Administrator": [("*", "*", ANY), ("auth", "group", ALL)],
    "Finance": [
        ("wallet", "*", ALL),
        ("wallet", "withdrawal", ("approve", "pay")),
        ("wallet", "account", ("adjust",)),
        ("affiliates", "*", VIEW),
        ("affiliates", "partnerpayout", EDIT),
        # Whatever pays cash: codes, bonus amounts, tiers, prizes, points corrections.
        ("gamification", "*", VIEW),
        ("gamification", "bonuscode", EDIT),
        ("gamification", "dailybonusday", EDIT),
        ("gamification", "viptier", EDIT),
        ("gamification", "activity", ("correct",)),
        ("gamification", "challengeentry", ("change", "approve")),
        # Settling a leaderboard pays its prizes.
        ("gamification", "leaderboard", ("settle",)),
        # Completing a race by hand pays its prizes too. The prize fields of races, boards
        # and challenges are editable only by who pays them (the admin makes them read-only
        # for the rest), so Finance adds and changes those rows too.
        ("gamification", "race", ("complete", *EDIT)),
        ("gamification", "leaderboard", EDIT),
        ("gamification", "challenge", EDIT),
        ("accounts", "user", VIEW),
        ("accounts", "userkyc", ("view", "change")),
        # A goodwill credit on a missing-cashback claim the network refused pays money.
        ("support", "missingcashbackclaim", ("view", "goodwill")),
        ("accounts", "auditlog", VIEW),
        ("tracking", "*", VIEW),
        # Cashback paid and platform earnings per offer and store.
        ("offers", "topoffersreport", ("see",)),
        # The gift-card store: its money (refunds, gateway refunds, gift cards) and its
        # stock (codes are bought inventory), never the catalogue texts.
        ("store", "*", VIEW),
        ("store", "order", ("refund",)),
        ("store", "refund", ("change",)),
        ("store", "giftcard", ("disable",)),
        ("store", "code", ("add",)),
        ("store", "codeimport", ("add",)),
        ("store", "variant", ("change",)),
    ],
    "Support agent": [
        ("support", "*", ALL),
        # Seeing and answering every ticket (support.access), deciding claims and
        # partner-platform verifications; goodwill credits move money and stay Finance's.
        ("support", "ticket", ("handle",)),
        ("support", "missingcashbackclaim", ("decide",)),
        ("accounts", "verificationrequest", ("view", "change", "decide")),
        # Unlinking a chat (a lost phone) goes through the admin's audited unlink action.
        ("accounts", "telegramlink", ("view", "delete")),
        ("accounts", "user", ("view", "change")),
        ("accounts", "userkyc", VIEW),
        ("accounts", "referral", VIEW),
        ("offers", "*", VIEW),
        ("tracking", "*", VIEW),
        ("wallet", "*", VIEW),
        ("gamification", "*", VIEW),
        # A shopper's id on a race's partner platform, checked against their proof.
        ("gamification", "externalaccount", ("change", "verify")),
        # "Where is my gift card?": orders, payments and cards (codes are never shown).
        ("store", "order", VIEW),
        ("store", "payment", VIEW),
        ("store", "giftcard", VIEW),
    ],
    "Content editor": [
        ("cms", "*", ALL),
        ("cms", "newsletterissue", ("send",)),
        ("offers", "*", EDIT),
        # Which offers sell: what the home page and the featured lists are curated from.
        ("offers", "topoffersreport", ("see",)),
        ("campaigns", "*", VIEW),
        # The games' rules and texts; nothing here moves money by itself.
        ("gamification", "*", VIEW),
        ("gamification", "leaderboard", EDIT),
        ("gamification", "race", EDIT),
        ("gamification", "challenge", EDIT),
        # Telegram announcements to opted-in shoppers (a new challenge, a sale).
        ("support", "announcement", (*EDIT, "broadcast")),
        # The gift-card catalogue's texts and images; prices and stock are Finance's.
        ("store", "product", EDIT),
        ("store", "variant", VIEW),
    ],
    "Affiliate manager": [
        ("affiliates", "*", EDIT),
        ("campaigns", "*", ALL),
        ("tracking", "*", VIEW),
        ("accounts", "user", VIEW),
    ],
}

# Our own apps; "*" in the app position means these, not Django's internals.
OWN_APPS = (
    "accounts",
    "offers",
    "tracking",
    "wallet",
    "affiliates",
    "campaigns",
    "gamification",
    "support",
    "cms",
    "store",
)


def _permissions_for(permission_model, rule):
    app_label, model, actions = rule
    permissions = permission_model.objects.filter(
        content_type__app_label__in=OWN_APPS if app_label == "*" else [app_label]
    )
    if model != "*":
        permissions = permissions.filter(content_type__model=model)
    if actions == ANY:
        return permissions
    wanted = Q()
    for action in actions:
        wanted |= Q(codename__startswith=f"{action}_")
    return permissions.filter(wanted)


def roles_sync(apps) -> None:
    """Create the staff groups and grant each its permissions (additive, idempotent)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, rules in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for rule in rules:
            group.permissions.add(*_permissions_for(permission_model, rule))


def may_manage_user(actor, target) -> bool:
    """Only superusers (the Administrator role) touch staff accounts: whoever could edit a
    colleague's record could take over their login or their permissions."""
    return actor.is_superuser or not (target.is_staff or target.is_superuser)
