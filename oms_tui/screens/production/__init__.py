"""Production board: made-to-order work by stage, and the keys that move it.

The board (``production.board``, read in a worker) lists the open production orders under
a header row per stage, the furthest stage first (orders not started last), highest
priority then earliest due within a stage: number, sales order, customer, product, qty, a
progress bar (stages done), the stage as k/n, due and expected date; an expected date after
the due date is late, marked ``!`` in red, and an order waiting to start whose materials
are not all there (reserved or free in the factory warehouse) is marked ``short`` in red
where its bar and stage would be (the stage headers and the status line count both).
The product column is as wide as the longest code on the board (a code is never cut);
when that leaves the customer fewer than 7 cells (80 columns, a door's code with its size
and finish), the bar goes, then the sales order's column (the line under the list names
the order then), so a customer's name shows its start and "…" (``rows.board_columns``).
``l`` cycles the product line shown (all, then each line seen on the board); F4 shows only
orders due by a date (``+7``, ``2026-12-01``; blank shows all again). The line under the
list tells the highlighted order's requirements note, priority, how late it is and whether
it is short of materials.

F6 starts the highlighted order: its bill of materials is issued from the factory stock
(``production.start``); a shortage rings the bell and names the material, how much is
missing and the date it blocks, and nothing changes. F7 finishes the current stage (an
optional note); after the last stage the goods go into stock, reserved for the sales order,
which becomes ready to ship when nothing else of it is being made. F8 records a quality
failure: the stage to go back to by its digit (this one or an earlier one) and the reason.
F9 sets a new expected date (``+3``, ``2026-12-10``) with the reason. Enter (or ``h``) shows the
order's route, stage log and, before it starts, its materials: what it is short of, or
what is reserved for it. F10 (or ``c``) opens the capacity view: per route, for the next 14
days, the units the plan starts each day against the route's daily capacity (as planning
counts them: open work goes through at that rate), and how long each route is booked.

Every query and write runs in a thread worker. A dialog's error shows under its fields with
the field focused and the bell; nothing is saved. Each key acts on the order as the board
showed it (its version): when somebody else moved it meanwhile, nothing is saved, the
message line says who and when, and the board is read again.

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `F6`        | `Ctrl+O`    | production    | start: issue the materials (a shortage is named)   |
| `F7`        | `Ctrl+N`    | production    | advance a stage (optional note); the last completes|
| `F8`        | `Ctrl+Y`    | production    | quality failure: back to stage (digit), reason     |
| `F9`        | `Ctrl+B`    | production    | new expected date (`+3`, `2026-12-10`), reason     |
| `Enter`     | `h`         | production    | the order's route, stage log and shortages         |
| `l`         |             | production    | next product line (all, then each line)            |
| `F4`        | `Ctrl+L`    | production    | only orders due by a date (`+7`, ISO; blank: all)  |
| `F10`       | `c`         | production    | capacity: units per route per day, next 14 days    |
| `F5`        | `Ctrl+R`    | production    | read the board (or the capacity) again             |
| `F2`        | `Ctrl+S`    | dialogs       | save (as Enter on the last field)                  |

Where each part lives:

- ``screen.py``: the board (``BoardList``: stage header rows between the orders) and the
  screen: start, advance, quality failure, new expected date, filters;
- ``capacity.py``: the capacity view (F10 / c);
- ``dialogs.py``: the form the keys ask with (and how the due date is read), an order's
  route, stage log and materials;
- ``rows.py``: the board's rows and heads, materials, capacity (pure text);
- ``production.tcss``: the screens' and dialogs' layout.
"""

from .screen import ProductionScreen

__all__ = ["ProductionScreen"]
