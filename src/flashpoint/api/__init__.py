"""The read-only REST API and the dashboard it serves (`flashpoint serve`)."""

from flashpoint.api.app import create_app
from flashpoint.api.settings import Settings

__all__ = ["Settings", "create_app"]
