"""`oms channel add | list`, and `oms import orders --channel NAME` with the shop's own
channels."""

from __future__ import annotations

from sqlmodel import select

from oms_tui.models import Order
from tests.cli.runner import oms
from tests.factories import make_product


def test_channels_added_listed_and_imported_into(sqlite_db, tmp_path):
    make_product(sqlite_db, code="L-C300-18W-WH", price_minor=8_900)  # the template's
    db = ("--db", sqlite_db.url)
    added = oms(*db, "channel", "add", "taobao-main", "--kind", "ecommerce")
    assert added.exit_code == 0, added.stderr
    assert added.stderr.startswith("channel taobao-main added (ecommerce, profile oms)")
    assert (
        oms(*db, "channel", "add", "jd", "--kind", "ecommerce", "--profile", "oms").exit_code == 0
    )
    bad = oms(*db, "channel", "add", "jd2", "--kind", "ecommerce", "--profile", "nope")
    assert bad.exit_code == 1 and bad.stderr.startswith("oms: no import profile 'nope'")
    listed = oms(*db, "channel", "list").stdout.splitlines()
    assert [line.split() for line in listed[2:5]] == [
        ["ecommerce", "ecommerce", "oms"], ["jd", "ecommerce", "oms"],
        ["taobao-main", "ecommerce", "oms"]]  # fmt: skip
    f = tmp_path / "orders.csv"
    f.write_text(oms("import", "template").stdout, encoding="utf-8")
    for name in ("taobao-main", "jd"):
        done = oms(*db, "import", "orders", str(f), "--channel", name)
        assert done.exit_code == 0 and done.stderr.startswith("1 orders created"), done.stderr
    with sqlite_db.read() as s:
        assert sorted(s.exec(select(Order.channel, Order.external_ref)).all()) == [
            ("jd", "TB20261130001"), ("taobao-main", "TB20261130001")]  # fmt: skip
    unknown = oms(*db, "import", "orders", str(f), "--channel", "tmall")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("oms: unknown channel 'tmall'; channels: phone, walk_in, ")
    assert "add one: oms channel add NAME --kind KIND" in unknown.stderr
