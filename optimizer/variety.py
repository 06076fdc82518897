"""What counts as one food for variety rules: the name a shopper gives it."""

from __future__ import annotations

import numpy as np


def variety_key(name: str, by: str = "name") -> str:
    """The food as a shopper names it, for the variety rules.

    FNDDS lists many variants of one food ("Banana, raw", "Banana, fried"; five kinds of
    dry milk): counted one by one, a week could eat "banana" on six days without breaking
    "no food on more than 3 days". By name (the default) a food is the description before
    its first comma, lowercased: "banana", "milk", "peanuts", "peanut butter". By code
    each food code counts on its own.
    """
    return name.split(",")[0].strip().lower() if by == "name" else name


def variety_groups(names, by: str = "name") -> np.ndarray:
    """A group number per food (same number = the same food for the variety rules)."""
    if by == "code":
        return np.arange(len(names))
    index: dict[str, int] = {}
    return np.array([index.setdefault(variety_key(str(n), by), len(index)) for n in names])
