"""The HTTP service and the secretariat's web page (``create_app``)."""

from api.app import create_app

__all__ = ["create_app"]
