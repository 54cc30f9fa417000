"""Social login (Google, Facebook) on top of django-allauth.

allauth does the OAuth exchange; `adapter` hands each finished exchange to
`accounts.services.social`, which decides whether it logs in, links or creates an account.
"""
