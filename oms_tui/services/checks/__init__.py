"""Checks of the whole database: the invariants that span domains (``invariants.verify``,
``oms verify``). Above every other domain: it reads what they all write."""
