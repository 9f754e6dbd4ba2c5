"""The ``oms`` command. Without a sub-command it opens the terminal app.

Every command takes ``--db URL`` (or ``OMS_DATABASE_URL``; default: a SQLite file in
the user's data directory) and ``--user NAME`` (default: the OS login name).
Errors print one line and exit non-zero. Textual is imported only to open the app.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer

from .config import Settings, sqlite_path

app = typer.Typer(
    help="oms: keyboard-first order management for small makers and distributors.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema: upgrade, show the current revision.")
app.add_typer(db_app, name="db")
standing_app = typer.Typer(help="Standing orders (recurring deliveries).")
app.add_typer(standing_app, name="standing")
stock_app = typer.Typer(help="Stock: check the ledger, allocate, receive, reorder suggestions.")
app.add_typer(stock_app, name="stock")
print_app = typer.Typer(help="Print documents: packing lists, pick lists, shipping labels.")
app.add_typer(print_app, name="print")
tracking_app = typer.Typer(help="Shipment tracking: import a carrier's status export.")
app.add_typer(tracking_app, name="tracking")
run_app = typer.Typer(help="Own-van delivery runs (daily routes).")
app.add_typer(run_app, name="run")
payment_app = typer.Typer(
    help="Payments: record one, reconcile a carrier's COD remittances, apply credit on account."
)
app.add_typer(payment_app, name="payment")
dunning_app = typer.Typer(help="Dunning: reminders, notices and credit holds for overdue accounts.")
app.add_typer(dunning_app, name="dunning")
production_app = typer.Typer(help="Production: routes per product line, bills of materials.")
app.add_typer(production_app, name="production")
import_app = typer.Typer(help="Import orders from channel files (CSV, .xlsx).")
app.add_typer(import_app, name="import")
export_app = typer.Typer(help="Export orders (CSV, JSON, .xlsx) in the import template's columns.")
app.add_typer(export_app, name="export")
report_app = typer.Typer(help="Receivables reports: aging, days sales outstanding, collections.")
app.add_typer(report_app, name="report")

_DB_HELP = "SQLAlchemy URL or SQLite file path (env OMS_DATABASE_URL)."
_USER_HELP = "Acting user (env OMS_USER; default: your login name)."
# The environment is read once, by the top-level options; a sub-command's own --db/--user
# (accepted after the command name too) only override what was given explicitly.
GlobalDb = Annotated[
    str | None, typer.Option("--db", envvar="OMS_DATABASE_URL", metavar="URL", help=_DB_HELP)
]
GlobalUser = Annotated[
    str | None, typer.Option("--user", envvar="OMS_USER", metavar="NAME", help=_USER_HELP)
]
DbOption = Annotated[str | None, typer.Option("--db", metavar="URL", help=_DB_HELP)]
UserOption = Annotated[str | None, typer.Option("--user", metavar="NAME", help=_USER_HELP)]

# Options and arguments that several commands share: declared once, so their help agrees.
OutOption = Annotated[
    str | None,
    typer.Option("--out", metavar="FILE", help="Save the PDF here instead of printing it."),
]
PaperOption = Annotated[
    str | None, typer.Option("--paper", help="A4 or Letter (default: the paper setting).")
]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv or json.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="YYYY-MM-DD (default: today).")
]
ReceivedOnOption = Annotated[str | None, typer.Option("--date", help="Received on (YYYY-MM-DD).")]
WarehouseArg = Annotated[str, typer.Argument(help="Warehouse code.")]
CustomerArg = Annotated[
    str, typer.Argument(help="Customer code (or a phone / name that matches one customer).")
]
ProductArg = Annotated[str, typer.Argument(help="Product code or barcode.")]


class _State:
    settings: Settings | None = None


def _settings(db: str | None = None, user: str | None = None) -> Settings:
    base = _State.settings or Settings.resolve()
    if db or user:
        return Settings.resolve(db=db or base.database_url, user=user or base.user)
    return base


def _open(settings: Settings):  # noqa: ANN202
    from .services.platform.db import Database

    return Database(settings.database_url)


def _connect(db: str | None, user: str | None = None):  # noqa: ANN202
    """The command's settings (``--db``, ``--user``) and its database at the newest schema."""
    settings = _settings(db, user)
    return settings, _open_current(settings)


def _open_current(settings: Settings):  # noqa: ANN202
    """The database at the newest schema (created if empty, copied then upgraded if older)."""
    from .services.platform import schema

    database = _open(settings)
    backup = schema.upgrade_with_backup(database)
    if backup:
        _say(f"Database upgraded; the old one was copied to {backup}")
    return database


def _where(settings: Settings) -> str:
    path = sqlite_path(settings.database_url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _date_option(text: str | None, name: str):  # noqa: ANN202
    from datetime import date

    from .services.platform.errors import InvalidInput

    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise InvalidInput(f"{name} {text}: use YYYY-MM-DD") from None


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context, db: GlobalDb = None, user: GlobalUser = None) -> None:
    """Open the terminal app (creating a demo database on first run)."""
    _State.settings = Settings.resolve(db=db, user=user)
    if ctx.invoked_subcommand is None:
        _run_app(_State.settings)


def _run_app(settings: Settings, *, headless: bool = False, exit_when_ready: bool = False) -> None:
    """What ``oms`` does: make sure the database is there and current, then open the app.

    (``bench/big_db.py`` times this whole path, headless, up to the home screen painted.)
    """
    from .services.platform import schema

    db = _open(settings)
    if schema.is_empty(db):
        _say(f"No database yet: creating one with demo data at {_where(settings)} ...")
        _initialise(db, settings.user, demo=True)
        _say("Done. Start again with `oms` any time; `oms --help` lists the commands.")
    elif schema.needs_upgrade(db):
        backup = schema.upgrade_with_backup(db)
        if backup:
            _say(f"Database upgraded to the current schema; the old one was copied to {backup}")
    from .app import make_app

    make_app(settings, db, exit_when_ready=exit_when_ready).run(headless=headless)


def _initialise(db, user: str, demo: bool) -> None:  # noqa: ANN001
    from .services.platform import schema

    schema.upgrade(db)
    if demo:
        from .demo.seed import seed_demo

        summary = seed_demo(db, user)
        _say(f"Demo data: {summary}")


@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="Fill it with the demo company.")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create the database (or bring it to the current schema); --demo adds demo data."""
    from .services.platform import schema
    from .services.platform.errors import OmsError

    settings = _settings(db, user)
    database = _open(settings)
    if demo and not schema.is_empty(database):
        from .services.sales.dashboard import has_orders

        schema.upgrade_with_backup(database)
        if has_orders(database):
            raise OmsError(f"{_where(settings)} already holds orders; demo data goes into an "
                           "empty database (use another --db)")  # fmt: skip
    _initialise(database, settings.user, demo)
    _say(f"Database ready at {_where(settings)}")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database to the newest schema (a SQLite file is copied first)."""
    from .services.platform import schema

    settings = _settings(db)
    database = _open(settings)
    before = schema.current_revision(database)
    backup = schema.upgrade_with_backup(database)
    after = schema.current_revision(database)
    if before == after:
        _say(f"Already at the newest schema ({after}): {_where(settings)}")
    else:
        note = f"; backup: {backup}" if backup else ""
        _say(f"Upgraded {before or 'empty database'} -> {after}{note}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's schema revision."""
    from .migrations import HEAD
    from .services.platform import schema

    rev = schema.current_revision(_open(_settings(db)))
    typer.echo(f"{rev or 'empty'} (newest: {HEAD})")


@app.command()
def generate(
    orders: Annotated[int, typer.Option("--orders", min=1, help="How many orders to add.")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 1,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add N generated orders (with customers, catalog, invoices) for testing at scale."""
    from .demo.generate import generate_orders

    settings, database = _connect(db, user)
    start = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 2 or done == total:
            last[0] = now
            _say(f"  {done:,}/{total:,} orders ({now - start:.0f} s)")

    summary = generate_orders(database, settings.user, orders, seed=seed, progress=progress)
    _say(f"Generated {orders:,} orders in {time.perf_counter() - start:.1f} s "
         f"into {_where(settings)}: {summary}")  # fmt: skip


@standing_app.command("run")
def standing_run(
    on: Annotated[
        str | None, typer.Option("--date", help="Run as of this date (YYYY-MM-DD); default today.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create the standing orders due today into the audit queue (run it each morning)."""
    from .services.sales.templates import run_standing_orders

    day = _date_option(on, "--date")
    settings, database = _connect(db, user)
    result = run_standing_orders(database, settings.user, day)
    for number in result.created:
        typer.echo(number)
    for problem in result.failed:
        _say(f"oms: not created: {problem}")
    _say(f"{len(result.created)} standing orders created for {day}")
    if result.failed:
        raise typer.Exit(1)


@stock_app.command("verify")
def stock_verify(db: DbOption = None) -> None:
    """Check that every stock level equals the sum of its ledger moves and its reserved
    quantity the sum of open allocations; list the differences (exit 1 when any)."""
    from .services.inventory import stock

    diffs = stock.verify(_connect(db)[1])
    for diff in diffs:
        typer.echo(str(diff))
    if diffs:
        _say(f"oms: {len(diffs)} differences between stock levels and the ledger")
        raise typer.Exit(1)
    _say("Stock levels agree with the ledger and the open allocations.")


@stock_app.command("allocate")
def stock_allocate(db: DbOption = None, user: UserOption = None) -> None:
    """Allocate every approved order still waiting for allocation (oldest first), then
    offer free stock to backordered orders in priority order."""
    from .services.fulfilment import allocation

    settings, database = _connect(db, user)
    results = allocation.allocate_approved(database, settings.user)
    filled = allocation.fill_all_backorders(database, settings.user)
    for r in results + filled:
        typer.echo(f"{r.number}\t{r.status}\t{r.summary}")
    _say(f"{len(results)} orders allocated, {len(filled)} backorders filled")


@stock_app.command("show")
def stock_show(code: ProductArg, db: DbOption = None) -> None:
    """One product's stock per warehouse: on hand, reserved, available, incoming."""
    from .services.inventory import stock

    card = stock.find_stock_card(_open_current(_settings(db)), code)
    typer.echo(f"{card.code}  {card.name}  {card.description}".rstrip())
    typer.echo(f"{'warehouse':10} {'on hand':>9} {'reserved':>9} {'available':>9} "
               f"{'incoming':>9} {'reorder at':>10}")  # fmt: skip
    for w in card.warehouses:
        mark = "  low" if w.low and w.reorder_point else ""
        typer.echo(f"{w.code:10} {w.on_hand:>9} {w.reserved:>9} {w.available:>9} "
                   f"{w.incoming:>9} {w.reorder_point:>10}{mark}")  # fmt: skip
    typer.echo(f"{'total':10} {card.on_hand:>9} {card.reserved:>9} {card.available:>9} "
               f"{card.incoming:>9}")  # fmt: skip
    if card.backordered:
        typer.echo(f"{card.backordered} backordered (approved orders waiting)")


@stock_app.command("receive")
def stock_receive(
    warehouse: WarehouseArg,
    code: ProductArg,
    qty: Annotated[int, typer.Argument(help="Units received.")],
    supplier: Annotated[str, typer.Option(help="Who delivered.")] = "",
    reference: Annotated[str, typer.Option(help="The supplier's delivery note.")] = "",
    receipt: Annotated[
        str | None, typer.Option(help="Book against this open receipt (PR-...).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Goods in: a receipt move; waiting backorders are filled in priority order."""
    from .services.fulfilment import stock_operations
    from .services.inventory import stock

    settings, database = _connect(db, user)
    card = stock.find_stock_card(database, code)
    out = stock_operations.receive(database, settings.user, warehouse, [(card.product_id, qty)],
                                   supplier=supplier, reference=reference,
                                   receipt_number=receipt)  # fmt: skip
    _say(f"{out.number}: {qty} x {card.code} received into {warehouse.upper()}")
    for r in out.filled:
        typer.echo(f"{r.number}\t{r.status}\t{r.summary}")


@stock_app.command("warehouses")
def stock_warehouses(db: DbOption = None) -> None:
    """The warehouses in allocation order: after the customer's region's own warehouse,
    allocation tries them by rank (lower first)."""
    from .services.inventory import stock

    for w in stock.list_warehouses(_open_current(_settings(db))):
        typer.echo(f"{w.code:6} rank {w.allocation_rank:>3}  {w.region:10} {w.name}")


@stock_app.command("rank")
def stock_rank(
    warehouse: WarehouseArg,
    rank: Annotated[int, typer.Argument(help="0 or more; lower is tried first.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set a warehouse's place in the allocation order (by distance or cost)."""
    from .services.inventory import stock

    settings, database = _connect(db, user)
    w = stock.set_allocation_rank(database, settings.user, warehouse, rank)
    _say(f"{w.code} is now rank {w.allocation_rank} in the allocation order")


@stock_app.command("expect")
def stock_expect(
    warehouse: WarehouseArg,
    code: ProductArg,
    qty: Annotated[int, typer.Argument(help="Units ordered from the supplier.")],
    supplier: Annotated[str, typer.Option(help="The supplier.")] = "",
    on: Annotated[
        str | None, typer.Option("--date", help="Expected delivery (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record goods ordered from a supplier: an open receipt, shown as incoming until
    received (`oms stock receive ... --receipt PR-...`)."""
    from .services.fulfilment import stock_operations
    from .services.inventory import stock

    when = _date_option(on, "--date") if on else None
    settings, database = _connect(db, user)
    card = stock.find_stock_card(database, code)
    number = stock_operations.expect_receipt(database, settings.user, warehouse,
                                             [(card.product_id, qty)], supplier=supplier,
                                             expected_on=when)  # fmt: skip
    typer.echo(number)
    _say(
        f"{number}: {qty} x {card.code} expected in {warehouse.upper()}"
        + (f" on {when}" if when else "")
    )


@stock_app.command("reorder")
def stock_reorder(
    days: Annotated[
        int | None,
        typer.Option(help="Average demand over this many days (setting stock_demand_days)."),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", metavar="FILE", help="Write CSV here ('-': stdout).")
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Store the computed reorder points on the levels.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Reorder suggestions: reorder point = average daily demand x lead time + safety stock;
    the suggested quantity tops free + incoming stock up to it plus one lead time's demand."""
    from pathlib import Path

    from .services.inventory import stock

    settings, database = _connect(db, user)
    rows = stock.reorder_suggestions(database, days=days)
    if out == "-":
        typer.echo(stock.reorder_csv(rows), nl=False)
    elif out:
        Path(out).write_text(stock.reorder_csv(rows), encoding="utf-8-sig")
        _say(f"{len(rows)} suggestions written to {out}")
    else:
        for r in rows:
            typer.echo(f"{r.code:18} {r.warehouse_code:4} free {r.available:>6} incoming "
                       f"{r.incoming:>5} demand/day {r.daily_demand:>7} reorder at "
                       f"{r.reorder_point:>5} order {r.suggested_qty:>6}")  # fmt: skip
        _say(f"{len(rows)} products to reorder")
    if apply:
        every = stock.reorder_suggestions(database, days=days, only_needed=False)
        changed = stock.apply_reorder_points(database, settings.user, every)
        _say(f"{changed} reorder points updated")


def _print(database, pdf_of, name: str, out: str | None, paper: str | None = None) -> None:  # noqa: ANN001
    """Render with the company's details and deliver: ``--out``, else the printer, else a
    file in the documents folder; say where in one line."""
    from .reports.common import PAGE_SIZES, Company
    from .services.platform.errors import InvalidInput
    from .services.platform.printing import deliver
    from .services.platform.settings import get_settings

    if paper is not None and paper.lower() not in PAGE_SIZES:
        raise InvalidInput(f"--paper {paper}: use A4 or Letter")

    company_settings = get_settings(database)
    cs = company_settings
    company = Company(cs.company_name, cs.company_address, cs.company_phone, currency=cs.currency)
    pdf = pdf_of(company, paper or company_settings.paper)
    done = deliver(pdf, name, company_settings.printer, out)
    _say(f"{name}: {done}")


def _order_shipments(db: str | None, order: str):  # noqa: ANN202
    from .services.platform.errors import NotFound
    from .services.shipping import dispatch

    database = _open_current(_settings(db))
    shipments = dispatch.order_shipments(database, order)
    if not shipments:
        raise NotFound(f"order {order} has no shipment yet: start picking it in Dispatch")
    return database, shipments


@print_app.command("packing-list")
def print_packing_list(
    order: Annotated[str, typer.Argument(help="Order number (so-2026-123 works too).")],
    out: OutOption = None,
    paper: PaperOption = None,
    db: DbOption = None,
) -> None:
    """The packing lists of an order's shipments (one page or more each)."""
    from .reports.packing_list import packing_list_pdf

    database, shipments = _order_shipments(db, order)
    _print(database, lambda company, size: packing_list_pdf(shipments, company, size),
           f"packing-list-{shipments[0].order_number}", out, paper)  # fmt: skip


@print_app.command("pick-list")
def print_pick_list(
    warehouse: Annotated[str, typer.Option("--warehouse", help="Warehouse code.")],
    out: OutOption = None,
    paper: PaperOption = None,
    db: DbOption = None,
) -> None:
    """The pick list of the warehouse's open wave (shipments being picked)."""
    from .reports.pick_list import pick_list_pdf
    from .services.platform.errors import NotFound
    from .services.shipping import dispatch

    database = _connect(db)[1]
    shipments = dispatch.open_wave(database, warehouse)
    if not shipments:
        raise NotFound(f"nothing is being picked in {warehouse.upper()}")
    _print(database, lambda company, size: pick_list_pdf(shipments, company, warehouse.upper(),
                                                          size),
           f"pick-list-{warehouse.upper()}", out, paper)  # fmt: skip


@print_app.command("label")
def print_label(
    order: Annotated[str, typer.Argument(help="Order number.")],
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Shipping labels (100 x 150 mm, one per package) for an order's shipments."""
    from .reports.label import labels_pdf

    database, shipments = _order_shipments(db, order)
    _print(database, lambda company, _size: labels_pdf(shipments, company),
           f"labels-{shipments[0].order_number}", out)  # fmt: skip


@run_app.command("plan")
def run_plan(
    van: Annotated[str, typer.Option("--van", help="The van's carrier code (kind own_van).")],
    on: Annotated[
        str | None, typer.Option("--date", help="Run date (YYYY-MM-DD); default today.")
    ] = None,
    driver: Annotated[str, typer.Option(help="The driver's name, printed on the manifest.")] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Build a van's run from the ready orders of its area, in route order; print the
    stops (then `oms print manifest RUN-...`)."""
    from .services.platform.money import format_money
    from .services.shipping import delivery_runs

    day = _date_option(on, "--date")
    settings, database = _connect(db, user)
    run = delivery_runs.plan_run(database, settings.user, van, day, driver)
    for s in run.stops:
        typer.echo(f"{s.seq:>3} {s.order_number} {s.ship_to_name or s.customer_name} "
                   f"{s.address}  cash {format_money(s.cash_due_minor)} "
                   f"empties {s.containers_to_collect}")  # fmt: skip
    _say(f"{run.number}: {len(run.stops)} stops, cash to collect "
         f"{format_money(run.cash_due_minor)}")  # fmt: skip


@print_app.command("manifest")
def print_manifest(
    run: Annotated[str, typer.Argument(help="Delivery run number (RUN-2026-000001).")],
    out: OutOption = None,
    paper: PaperOption = None,
    db: DbOption = None,
) -> None:
    """The driver manifest of a van's run: stops, address, phone, items, cash, empties."""
    from .reports.driver_manifest import manifest_pdf
    from .services.shipping import delivery_runs

    database = _open_current(_settings(db))
    view = delivery_runs.get_run(database, run)
    _print(database, lambda company, size: manifest_pdf(view, company, size),
           f"manifest-{view.number}", out, paper)  # fmt: skip


def _one_customer(database, text: str):  # noqa: ANN001, ANN202
    """The customer with this code, or the only one matching a phone or name."""
    from .services.parties.customers import search_customers
    from .services.platform.errors import InvalidInput, NotFound

    hits = search_customers(database, text, limit=5)
    exact = [h for h in hits if h.code.upper() == text.strip().upper()]
    if exact or len(hits) == 1:
        return (exact or hits)[0]
    if not hits:
        raise NotFound(f"no customer matches '{text}'")
    raise InvalidInput(
        f"'{text}' matches several customers: "
        + ", ".join(f"{h.code} {h.name}" for h in hits)
        + "; give the code"
    )


# an amount such as -5 is the amount's to refuse, not an unknown option
@payment_app.command("record", context_settings={"ignore_unknown_options": True})
def payment_record(
    customer: CustomerArg,
    amount: Annotated[str, typer.Argument(help="Amount received, e.g. 1234.50")],
    method: Annotated[
        str, typer.Option(help="cash, bank, wechat, alipay, card, cod_remittance")
    ] = "bank",
    reference: Annotated[str, typer.Option(help="Bank reference, receipt number ...")] = "",
    invoice: Annotated[
        list[str] | None,
        typer.Option(
            "--invoice", help="Pay this invoice (repeat for more); default: oldest due first."
        ),
    ] = None,
    on: ReceivedOnOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a payment: applied to the oldest open invoices (or the ones named); an
    over-payment stays on the customer's account."""
    from .services.finance import receivables
    from .services.platform.money import format_money, parse_money

    settings, database = _connect(db, user)
    who = _one_customer(database, customer)
    result = receivables.record_payment(database, settings.user, who.id,
                                        parse_money(amount),
                                        _date_option(on, "--date"), method, reference,
                                        invoice)  # fmt: skip
    for a in result.applied:
        typer.echo(f"{a.invoice_number}\t{format_money(a.amount_minor)}\tleft "
                   f"{format_money(a.left_minor)}")  # fmt: skip
    _say(f"{result.number}: {format_money(result.amount_minor)} from {who.name}"
         + (f", {format_money(result.unapplied_minor)} kept on account"
            if result.unapplied_minor else ""))  # fmt: skip


@payment_app.command("apply-credit")
def payment_apply_credit(
    customer: CustomerArg,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Apply the customer's credit on account (over-payments, credit notes not used up) to
    their open invoices now: oldest credit first, oldest due invoice first."""
    from .services.finance import receivables
    from .services.platform.money import format_money

    settings, database = _connect(db, user)
    who = _one_customer(database, customer)
    result = receivables.apply_credit_on_account(database, settings.user, who.id)
    for a in result.applied:
        typer.echo(f"{a.invoice_number}\t{format_money(a.amount_minor)}\tfrom {a.source}\t"
                   f"left {format_money(a.left_minor)}")  # fmt: skip
    left = format_money(result.on_account_minor)
    if result.applied:
        _say(f"{format_money(result.applied_minor)} of credit on account applied for "
             f"{who.name}; {left} left on account")  # fmt: skip
    elif result.on_account_minor > 0:
        _say(f"{who.name} has {left} on account and no open invoice it can pay")
    else:
        _say(f"{who.name} has no credit on account")


@payment_app.command("cod")
def payment_cod(
    file: Annotated[str, typer.Argument(help="CSV: tracking number, amount[, reference].")],
    on: ReceivedOnOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Reconcile a carrier's cash-on-delivery remittance list against the shipments:
    each row pays that shipment's invoices once (a row imported before is listed as
    already recorded); differences are listed (exit 1 when any)."""
    import csv
    import io
    from pathlib import Path

    from .services.finance import cod_remittances
    from .services.platform.errors import InvalidInput
    from .services.platform.money import parse_money
    from .services.shipping.tracking import decode_csv

    path = Path(file)
    if not path.is_file():
        raise InvalidInput(f"no file {file}")
    rows, bad = [], []
    for n, row in enumerate(csv.reader(io.StringIO(decode_csv(path.read_bytes()))), start=1):
        amount = row[1].strip() if len(row) > 1 else ""
        if not row or not row[0].strip() or n == 1 and not amount[:1].isdigit():
            continue  # blank lines and a header
        try:
            rows.append(cod_remittances.Remittance(row[0].strip(), parse_money(amount),
                                                   row[2] if len(row) > 2 else ""))  # fmt: skip
        except InvalidInput as error:
            bad.append(f"row {n}: {error if amount else 'no amount to read'}")
    settings, database = _connect(db, user)
    result = cod_remittances.reconcile_cod(database, settings.user,
                                           _date_option(on, "--date"), rows)  # fmt: skip
    for line in bad + [f"{t}: {why}" for t, why in result.differences + result.already]:
        typer.echo(line)
    _say(f"{len(result.matched)} remittances recorded, "
         + (f"{len(result.already)} already recorded, " if result.already else "")
         + f"{len(bad) + len(result.differences)} to look at")  # fmt: skip
    if bad or result.differences:
        raise typer.Exit(1)


@dunning_app.command("run")
def dunning_run(
    as_of: AsOfOption = None,
    out: OutOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Take each overdue customer's dunning step (reminder, second notice, final notice,
    credit hold; thresholds: setting dunning_days) and print the letters."""
    from .reports.account_letter import account_pdf
    from .services.finance import dunning
    from .services.platform.money import format_money

    settings, database = _connect(db, user)
    steps = dunning.run_dunning(database, settings.user, _date_option(as_of, "--as-of"))
    for st in steps:
        typer.echo(f"{st.customer_name}\t{st.title}\t{st.days_overdue} days\t"
                   f"{format_money(st.overdue_minor)}")  # fmt: skip
    if not steps:
        _say("No dunning step due")
        return
    papers = [dunning.letter(database, st.letter_id) for st in steps]
    _print(database, lambda company, size: account_pdf(papers, company, size),
           f"dunning-{papers[0].as_of.isoformat()}", out)  # fmt: skip


@print_app.command("statement")
def print_statement(
    customer: Annotated[str, typer.Argument(help="Customer code (or a phone / name).")],
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """A customer's statement of account: open items, recent payments, balance."""
    from .reports.account_letter import account_pdf
    from .services.finance import dunning

    database = _open_current(_settings(db))
    who = _one_customer(database, customer)
    paper = dunning.statement(database, who.id)
    _print(database, lambda company, size: account_pdf([paper], company, size),
           f"statement-{who.code}", out)  # fmt: skip


@production_app.command("routes")
def production_routes(db: DbOption = None) -> None:
    """The routes: product line, daily capacity, stages with their planned days."""
    from .services.production import routes

    for r in routes.routes(_open_current(_settings(db))):
        stages = " -> ".join(f"{n} ({d} d)" for n, d in r.stages)
        typer.echo(f"{r.name}\t{r.product_line}\t{r.daily_capacity}/day\t{stages}")


@production_app.command("route")
def production_route(
    name: Annotated[str, typer.Argument(help="Route name.")],
    line: Annotated[str, typer.Option("--line", help="The product line it makes.")],
    capacity: Annotated[int, typer.Option("--capacity", help="Units a day.")],
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="NAME:DAYS, in order (repeat); leave out to keep them."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create or change a route (stages only while no production order is open on it)."""
    from .services.platform.errors import InvalidInput

    stages = None
    if stage:
        stages = []
        for text in stage:
            label, _, days = text.rpartition(":")
            if not label or not days.strip().isdigit():
                raise InvalidInput(f"--stage {text}: use NAME:DAYS, e.g. cutting:1")
            stages.append((label, int(days)))
    from .services.production import routes

    settings, database = _connect(db, user)
    r = routes.set_route(database, settings.user, name, line, capacity, stages)
    _say(
        f"{r.name}: {r.product_line}, {r.daily_capacity}/day, "
        + " -> ".join(f"{n} ({d} d)" for n, d in r.stages)
    )


@production_app.command("bom")
def production_bom(
    product: Annotated[str, typer.Argument(help="Made-to-order product code.")],
    material: Annotated[str, typer.Argument(help="Material product code.")],
    qty: Annotated[int, typer.Argument(help="Per unit made (0 removes it).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set how much of a material one unit of a made-to-order product takes."""

    from .services.production import routes

    settings, database = _connect(db, user)
    routes.set_bom(database, settings.user, product, material, qty)
    _say(f"{product.upper()}: {qty} x {material.upper()} per unit")


@import_app.command("profile")
def import_profile(
    name: Annotated[str, typer.Argument(help="Profile name.")],
    channel: Annotated[str, typer.Option(help="Channel of its orders.")] = "ecommerce",
    column: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=HEADER (repeat), e.g. --map phone=联系电话"),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Save a column mapping for a channel's files (fields: external_id, order_date,
    customer_name, phone, address, product, qty, unit_price, notes, payment_method)."""
    from .services.exchange import order_import
    from .services.platform.errors import InvalidInput

    mapping = {}
    for text in column or []:
        field_name, sep, header = text.partition("=")
        if not sep:
            raise InvalidInput(f"--map {text}: use FIELD=HEADER")
        mapping[field_name.strip()] = header.strip()
    settings, database = _connect(db, user)
    p = order_import.save_profile(database, settings.user, name, channel, mapping)
    _say(f"profile {p.name} saved ({p.channel}, {len(p.mapping)} columns)")


@import_app.command("orders")
def import_orders(
    file: Annotated[str, typer.Argument(help="CSV (UTF-8 or GB18030/GBK) or .xlsx file.")],
    channel: Annotated[
        str | None,
        typer.Option(
            help="phone, walk_in, ecommerce, dealer, key_account (default: the profile's)"
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(help="Column mapping: oms (our template), taobao, dealer, or one you saved."),
    ] = "oms",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    errors: Annotated[
        str | None, typer.Option("--errors", metavar="FILE", help="Write the problems as CSV here.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import orders into the audit queue. Rows sharing an order id make one order; bad rows
    are listed (row, column, value, reason) and their orders left out, the rest imported;
    importing again creates no duplicate. Exit 1 when any row failed."""
    from pathlib import Path

    from .services.exchange import order_import

    settings, database = _connect(db, user)
    data = order_import.read_file(file)
    if dry_run:
        plan = order_import.plan_import(database, data, channel, profile, file)
        problems, refused = plan.problems, [(o.external_id, o.why) for o in plan.orders
                                            if o.action == "refused"]  # fmt: skip
        summary = (f"dry run: {plan.count('create')} orders to create, {plan.count('update')} "
                   f"to update, {plan.count('unchanged')} unchanged, {len(refused)} refused, "
                   f"{plan.new_customers} new customers, {len(problems)} bad rows")  # fmt: skip
    else:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if total > 1000 and (now - last[0] >= 2 or done == total):
                last[0] = now
                _say(f"  {done:,}/{total:,} orders")

        result = order_import.run_import(database, settings.user, data, channel, profile, file,
                                         progress)  # fmt: skip
        problems, refused = result.problems, list(result.refused)
        summary = (f"{len(result.created)} orders created, {len(result.updated)} updated, "
                   f"{result.unchanged} unchanged, {len(refused)} refused, "
                   f"{len(problems)} bad rows")  # fmt: skip
    for p in problems:
        typer.echo(f"row {p.row}: {p.column} '{p.value}': {p.reason}")
    for ext, why in refused:
        typer.echo(f"order {ext}: {why}")
    if errors and (problems or refused):
        Path(errors).write_text(order_import.problems_csv(problems, refused), encoding="utf-8-sig")
    _say(summary)
    if problems or refused:
        raise typer.Exit(1)


@import_app.command("template")
def import_template() -> None:
    """Print our own import template (CSV header and an example row): `oms import template >
    orders.csv`."""
    from .services.exchange.order_import import template_csv

    typer.echo(template_csv(), nl=False)


@import_app.command("alias")
def import_alias(
    channel: Annotated[str, typer.Argument(help="The channel whose code it is.")],
    code: Annotated[str, typer.Argument(help="The channel's or dealer's product code.")],
    product: Annotated[str, typer.Argument(help="Our product code.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Remember that a channel's product code means one of ours (used by later imports)."""
    from .services.exchange.order_import import remember_alias

    settings, database = _connect(db, user)
    remember_alias(database, settings.user, channel, code, product)
    _say(f"{channel} {code} = {product.upper()}")


@export_app.command("orders")
def export_orders(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only these statuses (repeat).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Created on or after (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Created on or before (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or xlsx.")] = "csv",
    out: Annotated[
        str | None,
        typer.Option(
            "--out", metavar="FILE", help="Write here (default: stdout; xlsx needs a file)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Orders in the import template's columns, one row per line: importing the export into
    an empty database gives the same orders."""
    from pathlib import Path

    from .services.exchange import order_export
    from .services.platform.errors import InvalidInput

    database = _open_current(_settings(db))
    rows = order_export.export_rows(database, status or (),
                                    _date_option(start, "--from") if start else None,
                                    _date_option(end, "--to") if end else None)  # fmt: skip
    data = order_export.render(rows, fmt)
    if out:
        Path(out).write_bytes(data)
        _say(f"{len(rows)} order lines written to {out}")
    elif fmt == "xlsx":
        raise InvalidInput("--format xlsx needs --out FILE.xlsx")
    else:
        sys.stdout.buffer.write(data)


@tracking_app.command("import")
def tracking_import(
    file: Annotated[str, typer.Argument(help="CSV: tracking number, status, time, location.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record carrier status events from a CSV export (UTF-8 or GB18030; English or Chinese
    headers and statuses). Bad rows are listed with their row number; exit 1 when any."""
    from pathlib import Path

    from .services.platform.errors import InvalidInput
    from .services.shipping import tracking

    path = Path(file)
    if not path.is_file():
        raise InvalidInput(f"no file {file}")
    settings, database = _connect(db, user)
    result = tracking.import_tracking_csv(database, settings.user,
                                          path.read_bytes())  # fmt: skip
    for row, why in result.problems:
        typer.echo(f"row {row}: {why}")
    _say(f"{result.applied} events recorded, {result.duplicates} already known, "
         f"{len(result.delivered)} shipments delivered, "
         f"{len(result.problems)} rows refused")  # fmt: skip
    if result.problems:
        raise typer.Exit(1)


@app.command("settings")
def settings_cmd(
    key: Annotated[str | None, typer.Argument(help="Setting to change.")] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Show the settings (company, printing, audit weights and alerts, stock, aging,
    dunning and credit on account), or change one: `oms settings currency CNY`,
    `oms settings audit_alert_hours 2`, `oms settings stock_split_lines 0`,
    `oms settings dunning_days 7,30,60,90`, `oms settings credit_auto_apply 0`."""
    from dataclasses import asdict

    from .services.finance import aging, overdue, receivables
    from .services.inventory import stock
    from .services.platform.errors import InvalidInput
    from .services.platform.settings import get_settings, set_setting
    from .services.sales import audit_checks

    settings, database = _connect(db, user)
    if key is not None and value is None:
        raise InvalidInput(f"give a value: oms settings {key} VALUE")
    if key is not None and value is not None:
        numeric = {**asdict(audit_checks.AuditSettings()), **asdict(stock.StockSettings()),
                   **asdict(receivables.ReceivablesSettings())}  # fmt: skip
        if key in numeric:
            try:
                number = int(value)
            except ValueError:
                raise InvalidInput(f"{key} must be a whole number, 0 or more") from None
            if key in asdict(stock.StockSettings()):
                stock.set_stock_setting(database, settings.user, key, number)
            elif key in asdict(receivables.ReceivablesSettings()):
                receivables.set_receivables_setting(database, settings.user, key, number)
            else:
                audit_checks.set_audit_setting(database, settings.user, key, number)
        elif key == overdue.KEY:
            overdue.set_dunning_days(database, settings.user, value)
        elif key == aging.BUCKETS_KEY:
            aging.set_aging_buckets(database, settings.user, value)
        else:
            set_setting(database, settings.user, key, value)
    shown = {
        **asdict(get_settings(database)),
        **asdict(audit_checks.get_audit_settings(database)),
        **asdict(stock.get_stock_settings(database)),
        **asdict(receivables.get_receivables_settings(database)),
        aging.BUCKETS_KEY: ",".join(map(str, aging.get_aging_buckets(database))),
        overdue.KEY: ",".join(map(str, _dunning_days(database))),
    }
    for name, val in shown.items():
        typer.echo(f"{name:24} {val}")


def _report_date(option: str, value: str | None):  # noqa: ANN202
    from datetime import date

    from .services.platform.errors import InvalidInput

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{option} {value}: use YYYY-MM-DD") from None


def _report_format(fmt: str) -> str:
    from .services.platform.errors import InvalidInput

    if fmt.lower() not in {"table", "csv", "json"}:
        raise InvalidInput(f"--format {fmt}: use table, csv or json")
    return fmt.lower()


def _amount(minor: int, currency: str, grouped: bool = False) -> str:
    from .services.platform.money import exponent, from_minor

    return f"{from_minor(minor, currency):{',' if grouped else ''}.{exponent(currency)}f}"


def _cells(text: str, width: int) -> str:
    """Cut and pad to ``width`` terminal cells (Chinese characters take two)."""
    import unicodedata

    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def _by_label(labels: tuple[str, ...], values: tuple[int, ...], total: int, cur: str) -> dict:
    shown = {label: _amount(v, cur) for label, v in zip(labels, values, strict=True)}
    return {**shown, "total": _amount(total, cur)}


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


@report_app.command("aging")
def report_aging(
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    buckets: Annotated[
        str | None,
        typer.Option(help="Overdue limits in days for this report (default: aging_buckets)."),
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="Invoices in this currency (default: the company's).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Open receivables per customer as of a date, aged on the due date: not yet due, then
    overdue by bucket; then the credit on account (unapplied credit notes and
    over-payments, negative, not aged) and the net total; riskiest customers first
    (overdue money weighted by its bucket, less the credit on account). CSV lists the
    customers only; table and JSON end with the totals."""
    import json

    from .services.finance import aging

    when = _report_date("--as-of", as_of)
    out = _report_format(fmt)
    report = aging.aging(_open_current(_settings(db)), when, buckets=buckets, currency=currency)
    cur = report.currency
    labels = (*report.labels, "on account")  # then "total" (net)
    if out == "json":
        doc = {
            "as_of": report.as_of.isoformat(), "currency": cur, "aged_on": "due date",
            "buckets": list(report.limits), "columns": [*labels, "total"],
            "customers": [{"code": r.code, "name": r.name, "risk": r.risk,
                           **_by_label(labels, (*r.amounts, r.on_account_minor),
                                       r.total_minor, cur)}
                          for r in report.rows],
            "totals": _by_label(labels, (*report.totals, report.on_account_minor),
                                report.total_minor, cur),
        }  # fmt: skip
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if out == "csv":
        rows = [[r.code, r.name, *(_amount(v, cur) for v in r.amounts),
                 _amount(r.on_account_minor, cur), _amount(r.total_minor, cur)]
                for r in report.rows]  # fmt: skip
        typer.echo(_csv_text(["code", "name", *labels, "total"], rows), nl=False)
        return
    totals = (*report.totals, report.on_account_minor, report.total_minor)
    width = max([14, *(len(_amount(t, cur, True)) + 1 for t in totals)])
    head = "".join(f"{label:>{width}}" for label in (*labels, "total"))
    typer.echo(f"Aging as of {report.as_of} ({cur}), aged on the due date, riskiest first")
    typer.echo(f"{'customer':12} {'name':20}{head}")
    for r in report.rows:
        cells = "".join(f"{_amount(v, cur, True):>{width}}"
                        for v in (*r.amounts, r.on_account_minor, r.total_minor))  # fmt: skip
        typer.echo(f"{_cells(r.code, 12)} {_cells(r.name, 20)}{cells}")
    cells = "".join(f"{_amount(v, cur, True):>{width}}" for v in totals)
    typer.echo(f"{'total':33}{cells}")
    _say(f"{len(report.rows)} customers with open receivables or credit on account")


@report_app.command("dso")
def report_dso(
    as_of: AsOfOption = None,
    days: Annotated[int, typer.Option(help="Sales over this many days.")] = 90,
    currency: Annotated[
        str | None, typer.Option(help="Invoices in this currency (default: the company's).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Days sales outstanding: open receivables on the date / sales invoiced over the last
    N days (credit notes deducted) x N."""
    from .services.finance import aging

    when = _report_date("--as-of", as_of)
    r = aging.dso(_open_current(_settings(db)), when, days=days, currency=currency)
    cur = r.currency
    figure = "n/a (no sales)" if r.dso is None else f"{r.dso} days"
    typer.echo(f"DSO as of {r.as_of} over {r.days} days: {figure}  (receivables "
               f"{_amount(r.receivables_minor, cur, True)}, sales "
               f"{_amount(r.sales_minor, cur, True)} {cur})")  # fmt: skip


@report_app.command("collections")
def report_collections(
    start: Annotated[str, typer.Option("--from", metavar="DATE", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", metavar="DATE", help="Last day (YYYY-MM-DD).")],
    by: Annotated[str, typer.Option(help="month, week (from Monday) or day.")] = "month",
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Payments received per period (credit note applications are not money received)."""
    import json

    from .services.finance import aging
    from .services.platform.settings import get_settings

    first, last = _report_date("--from", start), _report_date("--to", end)
    out = _report_format(fmt)
    database = _open_current(_settings(db))
    c = aging.collections(database, first, last, by=by.lower())
    cur = get_settings(database).currency
    if out == "json":
        doc = {"from": first.isoformat(), "to": last.isoformat(), "by": c.by, "currency": cur,
               "periods": [{"period": r.period.isoformat(), "payments": r.payments,
                            "amount": _amount(r.amount_minor, cur)} for r in c.rows],
               "total": {"payments": c.payments,
                         "amount": _amount(c.amount_minor, cur)}}  # fmt: skip
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    elif out == "csv":
        rows = [[r.period.isoformat(), str(r.payments), _amount(r.amount_minor, cur)]
                for r in c.rows]  # fmt: skip
        typer.echo(_csv_text(["period", "payments", "amount"], rows), nl=False)
    else:
        typer.echo(f"Collections {first} to {last} by {c.by} ({cur})")
        for r in c.rows:
            typer.echo(f"{r.period.isoformat():12} {r.payments:>9} "
                       f"{_amount(r.amount_minor, cur, True):>18}")  # fmt: skip
        typer.echo(f"{'total':12} {c.payments:>9} {_amount(c.amount_minor, cur, True):>18}")


@report_app.command("buckets")
def report_buckets(
    limits: Annotated[
        str | None, typer.Argument(help="New overdue limits in days, e.g. 30,60,90,120.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Show the aging buckets' limits (setting aging_buckets), or change them."""
    from .services.finance import aging

    settings, database = _connect(db, user)
    if limits is not None:
        aging.set_aging_buckets(database, settings.user, limits)
    current = aging.get_aging_buckets(database)
    typer.echo(f"{','.join(map(str, current))}  ({', '.join(aging.bucket_labels(current))})")


def _dunning_days(database) -> tuple[int, ...]:  # noqa: ANN001
    from .services.finance import overdue

    with database.read() as session:
        return overdue.dunning_days(session)


def main() -> None:
    """Console entry point: one clear line for every expected error, exit code 1."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from .services.platform.errors import OmsError

    try:
        app()
    except OmsError as exc:
        _say(f"oms: {exc}")
        sys.exit(1)
    except (OperationalError, ProgrammingError) as exc:
        _say(f"oms: database error: {str(exc.orig).strip().splitlines()[0]}")
        sys.exit(1)
    except KeyboardInterrupt:
        _say("oms: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
