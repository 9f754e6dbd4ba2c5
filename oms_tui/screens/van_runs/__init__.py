"""Van runs: the own vans' delivery runs of a day, planned and settled by key.

Opened from Dispatch (F10 / Ctrl+G). Three fields on top: the van (one key from the list
under it: ``1`` the first own van, ``2`` the next..., or its code), the day (today; ``+1``,
``2026-12-01``, ``-1`` yesterday to settle a run that came back late) and the driver's name.
Enter moves from field to field; Enter on the driver (or F2) plans the van's run
(``delivery_runs.plan_run``: the ready orders of its area, stops in route order) and
prints the driver manifest in the same worker (``printing.deliver_all``: saved in the
documents folder, then sent to the printer the ``printer`` setting names; the message says
where).

Under the fields, the day's runs (``delivery_runs.runs_on``; Up/Down picks one) and the
picked run's stops: order, customer, address, cash to collect, full containers to leave
and empties to collect, with the totals. F6 settles the picked run when the van is back:
``SettleRunScreen``, one stop at a time, ``d`` delivered or ``n`` not home, the empties
brought back and the cash collected (``423`` or ``423.50``), the totals showing the cash
short or over what is due at the door; F2 settles (``delivery_runs.settle_run``). An
error (more empties than the customer holds...) goes to its stop and field with the bell
and nothing is saved; settled, the message says where the money went (the cash paying
which invoices, what is short and left open with a follow-up, on account, deposits billed
and credited: ``delivery_runs.money_sentence``) and the run's result shows here:
delivered stops, cash collected against due, containers.

Keys (the README copies these rows):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `F10`       | `Ctrl+G`    | dispatch      | van runs: plan and settle the own vans' runs       |
| `Enter`     |             | van runs      | next field; on the driver: plan the run            |
| `F2`        | `Ctrl+S`    | van runs      | plan the van's run, print the driver manifest      |
| `Up`/`Down` |             | van runs      | pick one of the day's runs (its stops show)        |
| `F6`        | `Ctrl+O`    | van runs      | settle the picked run                              |
| `F7`        | `Ctrl+N`    | van runs      | print the picked run's driver manifest again       |
| `F5`        | `Ctrl+R`    | van runs      | read the day's runs again                          |
| `d` / `n`   |             | settle run    | delivered / not home (then empties back, cash)     |
| `Enter`     |             | settle run    | next field; after the cash: the next stop          |
| `Up`/`Down` |             | settle run    | previous / next stop                               |
| `F2`        | `Ctrl+S`    | settle run    | settle the run: ship the delivered, book empties   |
|             |             |               | and cash                                           |

Where each part lives:

- ``screen.py``: the van, day and driver fields, the day's runs and the picked run's stops;
  plan (and print the manifest), reprint, settle;
- ``settle.py``: settling a returned run, one stop at a time (``SettleRunScreen``);
- ``rows.py``: how runs, stops and the settle rows are written (pure text);
- ``van_runs.tcss``: both screens' layout.
"""

from .screen import VanRunsScreen

__all__ = ["VanRunsScreen"]
