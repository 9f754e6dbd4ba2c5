"""Reusable widgets, each with what it always needs in its ``DEFAULT_CSS``."""

from .count_tile import CountTile

__all__ = ["CountTile"]
