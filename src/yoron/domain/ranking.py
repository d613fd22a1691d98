"""How comments rank: the tally readers see, and the keys the sorts order by."""

from __future__ import annotations

import math

# z for an 80% confidence interval: ranks a 40/2 comment above a 3/0 one
# while still letting a young, well-liked comment rise.
WILSON_Z = 1.281551565545


def tally(up: int, down: int) -> str:
    """The tally exactly as readers see it, e.g. ``-4 ( +2 / -6 )``."""
    return f"{up - down} ( +{up} / -{down} )"


def wilson_lower_bound(up: int, down: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of up-votes."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - margin) / (1 + z2 / n)


def controversy(up: int, down: int) -> float:
    """Large when many voted and the votes split evenly; zero without both kinds."""
    if up <= 0 or down <= 0:
        return 0.0
    balance = min(up, down) / max(up, down)
    return float((up + down) ** balance)
