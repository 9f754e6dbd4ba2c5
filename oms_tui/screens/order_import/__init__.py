"""Import: orders from a CSV or .xlsx file into the audit queue, previewed first.

Choose the file: type its path on the file line and Enter, or pick one of the .csv/.xlsx
files of the current folder, the documents folder and the downloads folder (newest first)
with Up/Down and Enter. The profile (which column holds which field: ``oms`` our template,
``taobao``, ``dealer``, or one saved) is picked by its digit after F6, the channel (one of
the shop's, ``oms channel list``) by its letter or digit after F7 (by default the profile's
own; a channel with a default profile brings it).

The preview (``order_import.plan_import`` in a thread worker; nothing is written) counts the
orders to create, update, leave unchanged and refuse, the new customers and the bad rows,
and lists the planned orders (external id, customer, lines, action) and the problems (row,
column, value, reason). An unknown product code is mapped by key (F8, or Enter on the
problem): type our product code, the channel's code is remembered
(``order_import.remember_alias``) and the file is previewed again. F2 imports
(``order_import.run_import`` in a thread worker; the progress bar follows its batches)
and shows what was created, updated and refused; F9 saves the error report
(``order_import.problems_csv``) as a CSV in the documents folder and shows where.

Keys (the README copies these rows; every F-key has a Ctrl twin):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Enter`     |             | import, file  | read the typed path, or the highlighted file       |
| `Up`/`Down` |             | import, file  | highlight a file of the list                       |
| `F6`        | `Ctrl+O`    | import        | profile: `1`-`9` picks (the channel follows it)    |
| `F7`        | `Ctrl+N`    | import        | channel: `e` e-commerce, `d` dealer, `k` key       |
|             |             |               | account, `p` phone, `w` walk-in, the shop's own    |
|             |             |               | channels `1`-`9`, `a`...                           |
| `F5`        | `Ctrl+R`    | import        | read the file and preview again                    |
| `F8`        | `Enter`     | import preview| map the highlighted unknown product code to ours,  |
|             |             |               | then preview again                                 |
| `F2`        | `Ctrl+S`    | import preview| import: progress bar, then what was done           |
| `F9`        | `Ctrl+B`    | import preview| save the error report (CSV) in the documents folder|
| `F4`        | `Ctrl+L`    | import        | choose another file                                |

Where each part lives:

- ``screen.py``: the screen: the file line and list, profile and channel, the preview,
  mapping a product code, the import with its progress bar, the error report;
- ``files.py``: the .csv and .xlsx files to choose from;
- ``rows.py``: the files', orders' and problems' rows, the counts (pure text);
- ``order_import.tcss``: the screen's layout (and the choice and prompt dialogs').
"""

from .screen import OrderImportScreen

__all__ = ["OrderImportScreen"]
