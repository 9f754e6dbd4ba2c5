"""Order entry: phone, walk-in and counter orders at typing speed, scanner bursts included.

The clerk never waits for the screen: every lookup (customers, products, the live quote,
the draft) runs in a thread worker and posts its result back; keys typed meanwhile are
kept. Focus starts in the customer field; once the caller is known it moves to the one
scan line, which stays focused while lines are added and changed (a ``ScanInput``: a
keyboard-wedge burst ``code⏎code⏎`` arrives complete and in order).

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where               | Does                                           |
|-------------|-------------|---------------------|------------------------------------------------|
| `F2`        | `Ctrl+S`    | order entry         | save: submit to audit, start a new order       |
| `F4`        | `Ctrl+L`    | order entry         | look up the focused field: customers, products |
| `F6`        | `Ctrl+O`    | order entry         | ship-to: another saved address or a new one    |
| `F7`        | `Ctrl+N`    | order entry         | new customer: its fields open in this screen   |
| `F8`        | `Ctrl+Y`    | order entry         | repeat one of the customer's recent orders     |
| `F9`        | `Ctrl+B`    | order entry         | add a named template's lines                   |
| `F10`       | `Ctrl+G`    | entry, new customer | order options / the groups; `s` carrier        |
| `F11`       | `Ctrl+U`    | order entry         | the customer's invoicing data (开票资料)       |
| `Up`/`Down` |             | customer field      | move in the matches; `Enter` picks             |
| `Up`/`Down` |             | scan line           | select a line (the scan line keeps focus)      |
| `Enter`     |             | empty scan line     | edit the selected line: qty, discount, note    |
| `Ctrl+Del`  | `-` `Enter` | scan line           | delete the selected line                       |
| `F12`       | `Esc`       | order entry         | back; asks first if the order is unsaved       |

Scan line entries, each ended by Enter (``services/entry.py`` parses them): ``CODE`` or
``BARCODE`` adds a line (the same product again adds 1 to its line, except made to
order), ``CODE*3`` / ``3*CODE`` with a quantity, ``*3`` sets the selected line's quantity,
``-5.50`` its discount, ``=12.50`` overrides its unit price (a reason is asked for and
saved as the line's price source ``override: <reason>``; ``=`` alone goes back to the
engine's price), ``+`` duplicates it, ``-`` deletes it, ``"text`` sets its requirements
note; any other words open a product search. The unit price of an overridden line shows
as ``=12.50``; Up/Down on a line says where its price came from. Dialogs answer by one letter
(``y``/``n``, ``r``/``d``, option letters), Enter takes the highlighted choice, Esc/F12
backs out. Letters never act while typing in a field.

Typing ahead (``13800138⏎XD-40W⏎`` in one burst): the keys after the customer's Enter
wait (``type_ahead.py``, for the whole app) until the search it waits on has answered and
the focus has moved: to the scan line for a customer picked, to the new caller's first
empty field for a new one, as if typed slowly.

Where each part lives (one module per thing the clerk sees):

- ``screen.py``: the screen: its keys, the quote, the save, backing out;
- ``model.py``: the order being typed, plain Python (no Textual);
- ``customer_picker.py``: the customer field, its matches, the new caller, the card;
- ``options.py``: the options row and the F10 menu;
- ``lines.py``: the lines, their totals, what the scan line's entries do;
- ``product_search.py``, ``forms.py``: the product search; the line, address and
  invoicing forms;
- ``draft_autosave.py``: the draft saved after every change, offered on opening;
- ``row.py``: the one-line row the parts paint;
- ``order_entry.tcss``: the screen's layout (each widget carries its own styles).
"""

from .screen import OrderEntryScreen

__all__ = ["OrderEntryScreen"]
