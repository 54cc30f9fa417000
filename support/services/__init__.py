"""The support app's services. notify() is what other apps call."""

from .notify import notify

__all__ = ["notify"]
