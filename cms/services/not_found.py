"""A 404 answer: a redirect rule's target if one matches, else the 404, counted in the log.
(to be built)"""


def redirect_or_log(request, response):
    return response
