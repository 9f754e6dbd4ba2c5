"""Receivables: who owes what and since when, and acting on it by key.

The aging view (``aging.aging`` as of today by the app's clock, read in a worker) lists
the customers with open receivables, riskiest first: not yet due, each overdue bucket (the
``aging_buckets`` setting; when the amounts do not fit the screen the oldest buckets are
merged into one ``over N`` column, never cut), the credit on account (unapplied credit
notes and over-payments; the column shows when anybody has some) and the net total; the
totals row under the list, and the open, overdue (less credit on account) and days sales
outstanding (``aging.dso``, last 90 days) on the status line. F4 changes the as-of date
(``2026-01-31``, ``-30`` thirty days ago, blank today). ``/`` (or ``f``) finds a customer in
the list by any part of the name, code, phone or pinyin (``customers.search_customers``'
rules); asked again, the last text is there, selected, and Enter goes on to the next one.

Enter opens the customer: open invoices (number, order, due, amount, open, days over),
credit status (``customer_history.customer_card``) and the follow-up log (``follow_ups.
customer_log``). From either view, for the highlighted (or open) customer: F6 records a
payment (amount ``1234.50``, or ``USD 120`` in another currency, date, method by one
letter, reference; applied oldest first (in its currency),
or ``h`` to the highlighted invoice, or to invoice numbers typed; what was applied and
what is kept on account are shown), F7 a follow-up (kind by letter, note, promise date and
amount, next action date), ``t`` applies their credit on account (over-payments, what is
left of credit notes) to their open invoices at once, oldest due first (``receivables.
apply_credit_on_account`` as of the app's clock; what was applied and what is left on
account are shown), F10 prints a statement of account, F11 releases a credit hold (a
manager's; the service says who may). F8 lists today's follow-ups (Enter opens the
customer); F9 asks for the date to run dunning as of (today by the app's clock, or an
earlier day: ``-7``, ``2026-01-31``; Enter runs, Esc backs out), shows the steps taken and
prints their letters: one PDF saved with the steps by ``dunning.run_dunning`` (rendered by
``printouts.letters_renderer``), then printed from the file when a printer is set
(``printouts.print_saved``).
The dates the services check (a payment's, dunning's) are checked against the app's clock.

Every query, write and PDF runs in a thread worker. A dialog's error shows under its
fields with the field focused and the bell; nothing is saved.

Keys (the README copies these rows; every F-key has a Ctrl twin):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Enter`     |             | receivables   | open the customer: invoices, credit, follow-ups    |
|             |             | today's list  | open the customer                                  |
| `/`         | `f`         | receivables   | find a customer in the list: any part of the name, |
|             |             |               | code, phone or pinyin; the same again: the next    |
| `F4`        | `Ctrl+L`    | receivables   | aging as of another date (`-30`, `2026-01-31`)     |
| `F5`        | `Ctrl+R`    | receivables   | read again                                         |
| `F6`        | `Ctrl+O`    | receivables   | record a payment: amount, date, method letter,     |
|             |             |               | reference, apply to (blank oldest first, `h` the   |
|             |             |               | highlighted invoice, or invoice numbers)           |
| `F7`        | `Ctrl+N`    | receivables   | record a follow-up: kind (c/p/l/n), note, promise  |
|             |             |               | date and amount, next action date                  |
| `t`         |             | receivables   | apply the customer's credit on account to their    |
|             |             |               | open invoices now, oldest due first                |
| `F8`        | `Ctrl+Y`    | receivables   | today's follow-ups; Enter opens the customer       |
| `F9`        | `Ctrl+B`    | receivables   | run dunning as of a date (asks; default today),    |
|             |             |               | print the letters                                  |
| `F10`       | `Ctrl+G`    | receivables   | print the customer's statement of account          |
| `F11`       | `Ctrl+U`    | receivables   | release the customer's credit hold (reason)        |
| `v`         |             | receivables   | the van runs: settle a driver's cash (finance)     |
| `Space`     |             | customer      | select invoices: F6 then pays them, in that order  |
| `F2`        | `Ctrl+S`    | dialogs       | save (as Enter on the last field)                  |

Where each part lives:

- ``screen.py``: the aging view: the grid, its totals, as of, dunning, collections;
- ``customer.py``: one customer's account, and the keys that act on a customer from either
  view (payment, follow-up, credit on account, statement, hold release);
- ``today.py``: today's follow-ups;
- ``dialogs.py``: the form the keys ask with, the dunning steps, the collections, and how
  the forms read what is typed;
- ``rows.py``: how the grid, invoices, credit and follow-ups are written (pure text);
- ``receivables.tcss``: the screens' and dialogs' layout.
"""

from .screen import ReceivablesScreen

__all__ = ["ReceivablesScreen"]
