"""Production orders for made-to-order lines, routed through stages.

- **Creation**: allocation sends each made-to-order line of an approved order here
  (``create_for_order_in``): one production order per line, with the line's requirements
  note, quantity, the order's requested date as due date and its priority, on the route of
  the product's line (``production_route.product_line``), made in the factory warehouse
  (the first warehouse in allocation order).
- **Materials are reserved when the order is planned**: its bill of materials is held in
  the factory warehouse (``material_reservation`` rows, counted in ``stock_level.reserved``
  as an order line's allocations are, so available = on hand - reserved sees them and two
  doors cannot both count on the last sheet of veneer). What is not free then is a
  shortage, logged on the order (``short``: material, shortfall, the planned start it
  blocks) and named in the approval's event; it does not stop the approval. Stock that
  arrives later (receipt, transfer, adjustment, stocktake, a cancelled production order's
  materials) goes to the planned orders short of it, first in the queue first.
- **Planned dates**: each stage has planned days; a production order not started waits
  for the work ahead of it on its route (units of open orders of higher priority or
  earlier due date / the route's daily capacity), then takes its stages' days. The
  expected date is when the last stage ends; ``late`` when that is after the due date.
- **Start** turns the reservation into the issue: the reservations are released and a
  ``production_use`` move per material takes the whole bill out of the factory warehouse;
  what was not reserved is taken from free stock (never from another order's
  reservation). A shortage refuses the start and says which material, how much, and from
  which day it blocks (the planned start).
- **Cancel** (the sales order is cancelled): before the start, the reservations are
  released; after it, the issued materials come back into stock with a ``production_use``
  move of the opposite sign whose reason names the cancelled production order (what was
  cut or spoilt is then written off with a stock adjustment: the shop counts it, the
  system cannot know). Either way the freed materials go to the customer orders waiting
  for them, then to the planned orders short of them (the caller, ``orders.transition``,
  offers them in the same transaction: ``allocation.offer_freed_stock_in``).
- **Advance** finishes the current stage and starts the next; a **quality failure** sends
  the order back to a chosen earlier stage with the reason; a **new expected date** needs
  a reason. Every step is a ``production_stage_log`` row (who, when, what, why). None of
  these moves stock: rework uses the materials already issued (extra material for it is
  an adjustment), and replanning changes dates, not reservations.
- **Completion** (advancing past the last stage) moves the goods into stock
  (``production_in``) and reserves them for the order line; when nothing of the order
  waits any more, the order becomes ready to ship.
"""
