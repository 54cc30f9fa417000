"""SEO redirects, looked up only when the site answered 404.

Every other answer passes straight through: a click-out, a postback or any page that
exists pays one integer comparison. The skipped prefixes (settings.
CMS_REDIRECT_SKIP_PREFIXES) keep even the hot paths' own 404s free of the lookup and the
404 log.
"""

from django.conf import settings

from .services.not_found import redirect_or_log


class RedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        if request.path_info.startswith(tuple(settings.CMS_REDIRECT_SKIP_PREFIXES)):
            return response
        return redirect_or_log(request, response)
