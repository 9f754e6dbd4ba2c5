"""Order entry: the area's base screen (a placeholder until the workflow is built)."""

from __future__ import annotations

from .placeholder import PlaceholderScreen


class OrderEntryScreen(PlaceholderScreen):
    MODE = "entry"
