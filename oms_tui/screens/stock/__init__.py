"""Stock: check a product's stock and ledger, and the stock operations, by key.

The stock check keeps one scan line focused: a code or barcode (scanned or typed) and Enter
shows the product; words search by name (several matches: a pick list, Up/Down and Enter
on the empty line). Per warehouse: on hand, reserved, available, incoming, reorder point
(low stock marked), the backordered units, and below them the product's ledger, newest
first, read a page at a time as PgDn goes down it (``stock.ledger`` keyset on ``before``).
Every query runs in a thread worker; a newer scan wins over an older answer.

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Enter`     |             | scan line     | show the product (code, barcode) or search words   |
| `Up`/`Down` |             | scan line     | move in the matches (Enter on the empty line picks)|
|             |             |               | or in the ledger                                   |
| `PgDn`/`PgUp`|            | stock check   | page the ledger (more moves load as it goes)       |
| `F4`        | `Ctrl+L`    | stock check   | products below their reorder point; Enter shows one|
| `F5`        | `Ctrl+R`    | stock screens | read again                                         |
| `F6`        | `Ctrl+O`    | stock check   | receive goods: warehouse, qty, supplier, reference |
| `F7`        | `Ctrl+N`    | stock check   | transfer: from, to, qty, reason                    |
| `F8`        | `Ctrl+Y`    | stock check   | adjust: warehouse, +/- qty, reason (required)      |
| `F9`        | `Ctrl+B`    | stock check   | stocktake of a warehouse by scanner                |
| `F10`       | `Ctrl+G`    | stock check   | reorder suggestions; `F2`/`Ctrl+S` exports CSV     |

Dialogs: Tab moves between fields, Enter saves, Esc / F12 backs out; an error shows under
the fields with the field it is about focused, and rings the bell.

Where each part lives:

- ``screen.py``: the stock check: the scan line, the matches, the product's card and
  ledger; receive, transfer, adjust;
- ``lists.py``: below the reorder point (F4) and the reorder suggestions (F10);
- ``stocktake.py``: counting a warehouse by scanner (F9), with its own keys;
- ``dialogs.py``: the form of the operations and the stocktake's post, and how it reads a
  quantity and a warehouse;
- ``rows.py``: the card, the ledger and the lists' rows (pure text);
- ``stock.tcss``, ``stocktake.tcss``: the screens' and dialogs' layout.
"""

from .screen import StockScreen

__all__ = ["StockScreen"]
