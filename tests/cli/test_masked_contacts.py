"""Customers' phones and addresses at the command line (issue 17 point 7): `oms audit log`
masks them for a role without ``customers.contact`` (production); the documents that must
carry them whole (packing list, label, manifest, statement) are not printed by such a
role; a role with it gets them whole."""

from __future__ import annotations

from datetime import date

from oms_tui.models import Customer, Order
from oms_tui.services.parties import customers
from oms_tui.services.shipping import dispatch
from tests.audit_factories import customer
from tests.cli.runner import oms
from tests.dispatch_factories import allocated_order, world

STREET = "文三路 90 号"
REFUSED = ("oms: production (production) may not see customers' full phone numbers and "
           "addresses: ask someone who may (clerk, auditor, warehouse, finance, manager, "
           "admin)\n")  # fmt: skip


def test_the_audit_log_masks_addresses_for_production_only(sqlite_db):
    cid = customer(sqlite_db)
    customers.add_address(
        sqlite_db,
        "clerk",
        cid,
        customers.NewAddress(
            street=STREET, district="西湖区", city="杭州市", province="浙江省", contact_name="王芳"
        ),
    )
    with sqlite_db.read() as s:
        code = s.get(Customer, cid).code
    masked = oms("--db", sqlite_db.url, "--user", "production", "audit", "log", "--entity",
                 f"customer:{code}")  # fmt: skip
    assert masked.exit_code == 0, masked.stderr
    assert "address: - -> 王芳, 浙江省 杭州市 西湖区…" in masked.stdout
    assert STREET not in masked.stdout
    whole = oms("--db", sqlite_db.url, "--user", "clerk", "audit", "log", "--entity",
                f"customer:{code}")  # fmt: skip
    assert whole.exit_code == 0, whole.stderr
    assert f"address: - -> 王芳, 浙江省 杭州市 西湖区 {STREET}" in whole.stdout


def test_documents_carrying_addresses_are_not_printed_by_production(sqlite_db, tmp_path):
    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], today=date(2026, 11, 30))
    with sqlite_db.read() as s:
        code = s.get(Customer, s.get(Order, oid).customer_id).code
    # who prints each: the warehouse its papers, finance a statement (a customer's account)
    for n, (args, printer) in enumerate(((("label", sh.order_number), "warehouse"),
                                         (("packing-list", sh.order_number), "warehouse"),
                                         (("statement", code), "finance"))):  # fmt: skip
        out = tmp_path / f"doc{n}.pdf"
        refused = oms("--db", sqlite_db.url, "--user", "production", "print", *args,
                      "--out", str(out))  # fmt: skip
        assert (refused.exit_code, refused.stderr) == (1, REFUSED), args
        assert not out.exists()
        done = oms("--db", sqlite_db.url, "--user", printer, "print", *args, "--out",
                   str(out))  # fmt: skip
        assert done.exit_code == 0 and out.exists(), (args, done.stderr)
    refused = oms("--db", sqlite_db.url, "--user", "warehouse", "print", "statement", code,
                  "--out", str(tmp_path / "not.pdf"))  # fmt: skip
    assert refused.exit_code == 1 and "may not see receivables" in refused.stderr
