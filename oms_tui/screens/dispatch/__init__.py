"""Dispatch: orders ready to ship, waves with their paperwork, shipping, tracking, by key.

The list (``dispatch.ready_to_ship``, read in a worker) is grouped by warehouse and carrier
under a header row per group, highest priority first within a group: order, customer,
region, units reserved there, ``part`` when some of it is backordered (``p.ship`` when part
has already left), the open shipment if it is in a wave, and the priority. Space selects
an order (on a group's header: the whole group), ``g`` the highlighted order's group.
F2 starts a wave for the selected orders (``dispatch.create_shipments``, one call per
warehouse) and, in the same worker, renders the wave's pick list and packing lists and
delivers them (``printing.deliver_all``: every PDF saved in the documents folder, then
sent to the printer when the ``printer`` setting names one); the message says where they
went, and when the printer fails, that it failed and where the files are kept.

F6 opens the ship dialog for the highlighted order's open shipment: the picked quantity of
each line (change one for a partial shipment), packages, the carrier (the proposal and
why; Up/Down picks another that serves the region) and the tracking number, a scan line
focused first, so a scanner's burst ships it with its Enter (``dispatch.ship``). An error
shows under the fields with its field focused and the bell; nothing ships. Shipped, the
customer's shipping notice is shown to copy, and the list is read again.

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Space`     |             | dispatch      | select / unselect the order (on a group header: the|
|             |             |               | group), move to the next                           |
| `g`         |             | dispatch      | select / unselect the highlighted order's group    |
| `F2`        | `Ctrl+S`    | dispatch      | start a wave for the selected orders; print its    |
|             |             |               | pick list and packing lists in one go              |
| `F6`        | `Ctrl+O`    | dispatch      | ship the order's open shipment: quantities,        |
|             |             |               | packages, carrier, tracking number (scan) + Enter  |
| `F7`        | `Ctrl+N`    | dispatch      | reprint the order's packing list                   |
| `F8`        | `Ctrl+Y`    | dispatch      | reprint the order's shipping labels                |
| `F11`       | `Ctrl+U`    | dispatch      | reprint the pick list of the order's wave (its     |
|             |             |               | warehouse's shipments being picked)                |
| `F9`        | `Ctrl+B`    | dispatch      | tracking event: shipment, status letter, location  |
| `Enter`     |             | dispatch      | open the order's detail                            |
| `F5`        | `Ctrl+R`    | dispatch      | read the list again                                |
| `F10`       | `Ctrl+G`    | dispatch      | van runs: plan and settle the own vans' runs       |
|             |             |               | (``screens/van_runs/``)                            |
| `F2`        | `Ctrl+S`    | ship dialog   | ship (as Enter on the tracking number)             |
| `c`         |             | shipping note | copy the customer's shipping notice                |

Where each part lives:

- ``screen.py``: the ready list (``DispatchList``: Space on a group's header selects the
  group) and the screen: waves and their paperwork, ship, reprints, tracking;
- ``dialogs.py``: ship, the shipping notice, a tracking event (and ``track``, which records it);
- ``rows.py``: the rows under their group headers and how they are written, the ship
  dialog's lines and carriers (pure text);
- ``dispatch.tcss``: the screen's and dialogs' layout.

Van runs (F10) are their own package, ``screens/van_runs/``.
"""

from .screen import DispatchScreen

__all__ = ["DispatchScreen"]
