"""The ``oms`` command. Without a sub-command it opens the terminal app.

Every command takes ``--db URL`` (or ``OMS_DATABASE_URL``; default: a SQLite file in
the user's data directory) and ``--user NAME`` (default: the OS login name).
Errors print one line and exit non-zero. Textual is imported only to open the app.

One module per sub-app (``oms stock ...`` in ``stock.py``), the options they share in
``options.py``, what every command needs in ``common.py``; ``main.py`` assembles the app.
"""

from .main import app, main, run_app

__all__ = ["app", "main", "run_app"]
