"""An address typed as one line, as the caller says it, and the part fields it fills.

``浙江省杭州市滨江区江南大道88号`` typed in the address line shows at once as province
浙江省, city 杭州市, district 滨江区 and street 江南大道88号 in the fields below it
(``services/parties/addresses.py`` splits it), and those parts are what is saved. The
clerk checks them and corrects a wrong one in its own field: a part changed by hand is kept
when the line is typed on; the others follow the line.

The parts are filled from the line's value watcher, that is while the key that changed the
line is handled: keys typed after it (a Tab to a part, the correction) always find the
parts already filled, however fast they come (the app's type-ahead, ``type_ahead.py``).
Used by the new caller's fields (``new_caller.py``) and order entry's new ship-to dialog.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.dom import DOMNode
from textual.widgets import Input

from ..services.parties.addresses import split_address

PARTS = ("province", "city", "district", "street")


class AddressLine:
    """Keeps ``parts`` (province, city, district, street fields) in step with ``line``."""

    def __init__(self, owner: DOMNode, line: Input, parts: Mapping[str, Input]) -> None:
        self.line, self.parts = line, {name: parts[name] for name in PARTS}
        self.reset()
        owner.watch(line, "value", self._typed, init=False)

    def reset(self) -> None:
        """What the fields hold now is where the split starts from (a blank form, or one
        filled again from a draft): nothing counts as corrected by hand."""
        self._split_from = self.line.value
        self._filled = {name: field.value for name, field in self.parts.items()}

    def _typed(self, value: str) -> None:
        if value == self._split_from:  # (set again as it was: a form filled in)
            return
        self._split_from = value
        split = split_address(value)
        for name, field in self.parts.items():
            if field.value != self._filled[name]:
                continue  # corrected by hand: kept
            part = getattr(split, name)
            self._filled[name] = part
            if field.value != part:
                field.value = part
