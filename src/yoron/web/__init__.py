"""The HTTP face of yoron: JSON API, discussion pages and static assets."""

from yoron.web.app import create_app

__all__ = ["create_app"]
