"""Alembic migrations, shipped inside the package so ``oms db upgrade`` works when installed.

One migration per schema change; never edit one after it has landed.
"""

# The newest revision. tests/services/test_schema.py checks it equals Alembic's head,
# so start-up can tell whether a database is current without importing Alembic.
HEAD = "0024"  # after 0023: see 0024_customer_orders_index.py


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """What Alembic compares with the models: not the search indexes of migration 0021,
    which are each engine's own (SQLite's FTS5 tables and their shadow tables, PostgreSQL's
    pg_trgm GIN indexes over expressions), not the models'."""
    if name is None:
        return True
    return not (
        (type_ == "table" and "_fts" in name) or (type_ == "index" and name.endswith("_trgm"))
    )
