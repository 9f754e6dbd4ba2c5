"""Demo data: a believable company with a year of orders in every status.

明光水木实业 (Mingguang Light, Water & Wood) sells three product lines: lighting
fixtures (stocked in three regional warehouses), bottled spring water (standing
home and office deliveries) and made-to-order wooden doors (produced on a route
of stages from a bill of materials).

Everything is generated in memory from ``random.Random(seed)`` and written with
Core bulk inserts and precomputed ids, so a few thousand orders take seconds.
The records agree with each other: order events walk the state machine, the
stock ledger adds up to the stock levels, reservations equal open allocations,
invoices follow shipments and payments are applied to invoices.

``demo/generate.py`` reuses the catalog and customer builders and the
order simulator (in its lighter mode) to build databases of a million orders.
"""
