"""What a web worker builds once, when it starts, instead of in the first requests it
serves: the URLconf (which imports every app's views, admin and API schema included) and
ua-parser's matchers (0.2 s on an idle core). Without this, each new worker's first
click-outs waited seconds: the p99 of the redirect benchmark's first round."""

from django.urls import get_resolver

from .request_meta import describe_user_agent

_A_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (evaluated for the imports it makes)
    describe_user_agent(_A_BROWSER)
