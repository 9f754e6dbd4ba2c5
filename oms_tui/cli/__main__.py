"""``python -m oms_tui.cli``: the same as the ``oms`` command."""

from .main import main

main()
