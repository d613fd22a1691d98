"""Avatars drawn locally: a reader's initials on a colour of their own, as SVG; no outside service."""

from __future__ import annotations

import hashlib
from html import escape

# Colours with enough contrast against white initials (WCAG AA for large text).
PALETTE = (
    "#1f6f8b",
    "#6a4c93",
    "#b23a48",
    "#2d6a4f",
    "#8a5a00",
    "#3a5a98",
    "#9c4668",
    "#4a6b2a",
    "#7b3f00",
    "#2f4858",
    "#a13d63",
    "#5b5f97",
)


def initials(name: str) -> str:
    words = [word for word in name.replace("_", " ").replace(".", " ").split() if word]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper() if words[0][:2].isascii() else words[0][:1]
    return (words[0][:1] + words[-1][:1]).upper()


def avatar_svg(seed: str, name: str, size: int = 64) -> str:
    """A square SVG avatar; the same seed always gives the same colour."""
    digest = hashlib.sha256(seed.encode()).digest()
    colour = PALETTE[digest[0] % len(PALETTE)]
    label = escape(initials(name))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 64 64"'
        f' role="img" aria-label="{escape(name)}">'
        f'<rect width="64" height="64" rx="12" fill="{colour}"/>'
        f'<text x="32" y="41" text-anchor="middle" font-family="system-ui, sans-serif" font-size="26"'
        f' font-weight="600" fill="#fff">{label}</text></svg>'
    )
