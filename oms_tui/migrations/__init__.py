"""Alembic migrations, shipped inside the package so ``oms db upgrade`` works when installed.

One migration per schema change; never edit one after it has landed.
"""

# The newest revision. tests/services/test_schema.py checks it equals Alembic's head,
# so start-up can tell whether a database is current without importing Alembic.
HEAD = "0017"
