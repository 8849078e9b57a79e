"""The random draws the demo seeders share: a value picked by weight, and a moment some minutes
later on a timeline that ends by now."""

from __future__ import annotations

import random
from datetime import timedelta


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def later(moment, now, minutes: int):
    """`minutes` after `moment`, but never in the future: a timeline ends by now."""
    return min(moment + timedelta(minutes=minutes), now - timedelta(minutes=1))
