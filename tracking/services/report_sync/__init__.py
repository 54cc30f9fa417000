"""Report sync for networks that report sales through an API instead of postbacks."""

from .base import ReportAuthFailed, ReportNotConfigured, ReportSyncFailed
from .sync import SyncReport, network_reports_sync, networks_to_sync

__all__ = [
    "ReportAuthFailed",
    "ReportNotConfigured",
    "ReportSyncFailed",
    "SyncReport",
    "network_reports_sync",
    "networks_to_sync",
]
