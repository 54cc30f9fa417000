"""Which social providers are switched on: those whose keys are set in settings."""

from dataclasses import dataclass

from django.conf import settings

# The providers we offer, in button order. allauth knows many more; only these are mounted.
PROVIDERS = {"google": "Google", "facebook": "Facebook"}


@dataclass(frozen=True)
class Provider:
    id: str
    name: str


def _app_configs(provider_id: str) -> list[dict]:
    config = settings.SOCIALACCOUNT_PROVIDERS.get(provider_id, {})
    return [app for app in config.get("APPS", []) if app.get("client_id") and app.get("secret")]


def provider_enabled(provider_id: str) -> bool:
    return provider_id in PROVIDERS and bool(_app_configs(provider_id))


def providers_enabled() -> list[Provider]:
    return [Provider(pid, name) for pid, name in PROVIDERS.items() if provider_enabled(pid)]


def provider_name(provider_id: str) -> str:
    return PROVIDERS.get(provider_id, provider_id.title())


def settings_apps(provider_id: str | None = None) -> list:
    """allauth SocialApp objects built from settings only (never database rows: an app
    added in the admin would otherwise switch a provider on behind the settings' back)."""
    from allauth.socialaccount.models import SocialApp

    apps = []
    for pid in PROVIDERS:
        if provider_id not in (None, pid):
            continue
        for config in _app_configs(pid):
            apps.append(
                SocialApp(
                    provider=pid,
                    name=PROVIDERS[pid],
                    client_id=config["client_id"],
                    secret=config["secret"],
                    key=config.get("key", ""),
                    settings=config.get("settings", {}),
                )
            )
    return apps
