"""The ``yoron`` command: serve, migrate, site, demo."""

from yoron.cli.main import app, main

__all__ = ["app", "main"]
