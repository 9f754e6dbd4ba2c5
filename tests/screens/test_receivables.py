"""Receivables at 80x24, by keys only, as finance: the aging view, a payment (applied
oldest first, the rest on account), a follow-up with a promise and today's list on the
promise date, dunning with its letters as one PDF, a statement, no credit-hold release
key (a manager's), and a bad amount that saves nothing."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import func, select
from textual.pilot import Pilot
from textual.widgets import Static

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import Customer, DunningLetter, FollowUp, Invoice, Payment, PaymentAllocation
from oms_tui.screens.receivables import ReceivablesScreen
from oms_tui.screens.receivables.customer import CustomerScreen
from oms_tui.screens.receivables.dialogs import DunningDialog
from oms_tui.screens.receivables.rows import grid
from oms_tui.screens.receivables.today import TodayScreen
from oms_tui.services.finance import aging
from oms_tui.services.platform import printing
from oms_tui.services.platform.db import Database
from oms_tui.widgets.form_dialog import FormDialog
from tests.audit_factories import customer as make_customer
from tests.pilot import settle

from .app_helpers import flat, screen_text

FROZEN = datetime(2026, 3, 2, 9, 30)  # local time
TODAY = FROZEN.date()


def invoice(db: Database, customer_id: int, number: str, amount: int, due: date,
            issued: date | None = None) -> None:  # fmt: skip
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=customer_id, amount_minor=amount,
                      issued_on=issued or due - timedelta(days=30), due_on=due,
                      created_by="t"))  # fmt: skip


def receivables_db(db: Database) -> dict[str, int]:
    """Three customers: one long overdue (the riskiest), one a little late, one not due."""
    ids = {
        "late": make_customer(db, name="杭州明亮灯饰", phone="13600000001"),
        "bit": make_customer(db, name="Li Wei Hardware", phone="13600000002"),
        "fine": make_customer(db, name="西湖照明工程部", phone="13600000003"),
    }
    invoice(db, ids["late"], "INV-2026-000001", 300_000, TODAY - timedelta(days=100))
    invoice(db, ids["late"], "INV-2026-000002", 120_000, TODAY - timedelta(days=45))
    invoice(db, ids["late"], "INV-2026-000003", 80_000, TODAY + timedelta(days=10))
    invoice(db, ids["bit"], "INV-2026-000004", 123_450, TODAY - timedelta(days=10))
    invoice(db, ids["fine"], "INV-2026-000005", 99_900, TODAY + timedelta(days=20))
    return ids


def frozen_app(db: Database, user: str = "finance") -> OmsApp:
    app = make_app(Settings(database_url=db.url, user=user), db)
    app.clock = lambda: FROZEN
    return app


async def open_receivables(pilot: Pilot) -> ReceivablesScreen:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReceivablesScreen)
    return screen


def text_of(screen, selector: str) -> str:  # noqa: ANN001
    return str(screen.query_one(selector, Static).render())


async def type_in(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


def counts(db: Database) -> tuple[int, int, int]:
    with db.read() as s:
        return (s.exec(select(func.count()).select_from(Payment)).one(),
                s.exec(select(func.count()).select_from(PaymentAllocation)).one(),
                s.exec(select(func.count()).select_from(FollowUp)).one())  # fmt: skip


def paid(db: Database, number: str) -> tuple[int, str]:
    with db.read() as s:
        inv = s.exec(select(Invoice).where(Invoice.number == number)).one()
        return inv.paid_minor, inv.status


# -- the aging view -----------------------------------------------------------------------------


async def test_aging_lists_customers_riskiest_first_with_totals_and_dso(sqlite_db: Database):
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        assert app.focused is screen.rows  # letters still go to other areas
        assert [r.customer_id for r in screen.rows.rows] == [ids["late"], ids["bit"], ids["fine"]]
        status = text_of(screen, "#recv-status")
        assert "As of 2026-03-02 (today)" in status
        assert "open ¥7,233.50" in status and "overdue ¥5,434.50" in status
        assert "DSO" in status
        head = text_of(screen, "#recv-head")
        for label in ("Customer", "not due", "1-30", "31-60", "61-90", "91-120", "over 120",
                      "Total"):  # fmt: skip
            assert label in head
        totals = text_of(screen, "#recv-totals")
        assert "3 customers" in totals and "7,233.50" in totals and "3,000.00" in totals
        assert "杭州明亮灯饰" in text_of(screen, "#recv-info")
        # F4: as of another date; 100 days ago nothing was issued yet
        await pilot.press("f4")
        assert isinstance(app.screen, FormDialog)
        await type_in(pilot, "-200")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "As of 2025-08-14" in text_of(screen, "#recv-status")
        assert screen.rows.rows == []
        await pilot.press("o")  # an area letter still changes area
        assert app.current_mode == "orders"


async def test_find_a_customer_in_the_list_by_any_fragment_or_pinyin(sqlite_db: Database):
    """Issue #16: among 100+ rows a clerk finds the customer by a part of the name, its
    pinyin or a phone's last digits; / again with the same text goes to the next one."""
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)

        async def find(text: str | None) -> None:
            await pilot.press("slash")
            assert isinstance(app.screen, FormDialog)
            if text is not None:
                await type_in(pilot, text)  # replaces the last text (selected)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen

        await find("照明")  # the middle of 西湖照明工程部
        assert screen.rows.highlighted.customer_id == ids["fine"]
        await find("0002")  # a phone's last digits
        assert screen.rows.highlighted.customer_id == ids["bit"]
        await find("hzml")  # pinyin initials of 杭州明亮灯饰
        assert screen.rows.highlighted.customer_id == ids["late"]
        await find("灯饰")
        assert screen.rows.highlighted.customer_id == ids["late"]
        await find("1360000000")  # all three phones: the first, then the next, then round
        assert screen.rows.highlighted.customer_id == ids["late"]
        for then in ("bit", "fine", "late"):
            await find(None)  # Enter on the last text, as it was
            assert screen.rows.highlighted.customer_id == ids[then]
        await find("nobody")
        assert "No customer in the list matches “nobody”" in flat(screen_text(app))
        await pilot.press("f")  # the twin (Ctrl+F is the language); the last text, selected
        assert app.screen.field("find").value == "nobody"
        await pilot.press("escape")


def test_grid_merges_the_oldest_buckets_when_the_amounts_do_not_fit():
    row = aging.AgingRow(1, "C1", "A customer", (2_000_000_00, 1_000_000_00, 1_100_000_00,
                                                 1_200_000_00, 1_300_000_00, 1_400_000_00),
                         8_000_000_00, 1)  # fmt: skip
    report = aging.AgingReport(TODAY, "CNY", (30, 60, 90, 120), aging.bucket_labels(
        (30, 60, 90, 120)), (row,), row.amounts, row.total_minor)  # fmt: skip
    g = grid(report, 78)
    assert g.labels[-1] == "Total" and g.labels[:3] == ("not due", "1-30", "31-60")
    assert g.labels[3] == "over 60"  # 61-90, 91-120 and over 120 in one column
    assert sum(g.values(row.amounts, row.total_minor)[:-1]) == row.total_minor  # nothing lost
    assert g.name_w >= 12
    assert sum(w + 1 for w in g.widths) + g.name_w <= 78
    wide = grid(report, 200)
    assert len(wide.labels) == 7  # all six amounts and the total


# -- payments -----------------------------------------------------------------------------------


async def test_record_a_payment_oldest_first_by_keys(sqlite_db: Database):
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("f6")  # the highlighted (riskiest) customer
        form = app.screen
        assert isinstance(form, FormDialog)
        await type_in(pilot, "3500.50")
        await pilot.press("enter", "enter")  # the date: today
        await pilot.press("w", "enter")  # method: wechat
        await type_in(pilot, "WX-889")
        await pilot.press("enter", "enter")  # apply to: oldest first -> saves
        await settle(pilot)
        assert app.screen is screen
        message = text_of(screen, "#recv-message")
        assert "¥3,500.50 from 杭州明亮灯饰" in message
        assert "INV-2026-000001 ¥3,000.00 (paid)" in message
        assert "INV-2026-000002 ¥500.50 (¥699.50 left)" in message
    with sqlite_db.read() as s:
        pay = s.exec(select(Payment)).one()
        assert (
            pay.customer_id,
            pay.amount_minor,
            pay.method,
            pay.reference,
            pay.received_on,
            pay.created_by,
        ) == (ids["late"], 350_050, "wechat", "WX-889", TODAY, "finance")
        allocs = s.exec(select(PaymentAllocation.amount_minor).order_by(PaymentAllocation.id))
        assert list(allocs) == [300_000, 50_050]
    assert paid(sqlite_db, "INV-2026-000001") == (300_000, "paid")
    assert paid(sqlite_db, "INV-2026-000002") == (50_050, "open")
    assert paid(sqlite_db, "INV-2026-000003") == (0, "open")


async def test_pay_the_highlighted_invoice_in_the_customer_view_overpayment_on_account(
    sqlite_db: Database,
):
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("enter")
        await settle(pilot)
        cust = app.screen
        assert isinstance(cust, CustomerScreen)
        assert [i.number for i in cust.invoices.rows] == [
            "INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]  # fmt: skip
        assert "Credit:" in text_of(cust, "#recv-cust-credit")
        await pilot.press("down", "down")  # INV-2026-000003, not due yet
        await pilot.press("ctrl+o")
        await type_in(pilot, "1000")
        await pilot.press("f2")  # saves at once: "Apply to" blank is oldest first
        await settle(pilot)
        assert "INV-2026-000001 ¥1,000.00 (¥2,000.00 left)" in text_of(cust, "#recv-cust-message")
        await pilot.press("f6")
        await type_in(pilot, "900")
        for _ in range(4):
            await pilot.press("tab")
        await pilot.press("h", "enter")  # the highlighted invoice
        await settle(pilot)
        message = text_of(cust, "#recv-cust-message")
        assert "INV-2026-000003 ¥800.00 (paid)" in message
        assert "¥100.00 kept on account" in message
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReceivablesScreen)
        late = next(r for r in app.screen.rows.rows if r.customer_id == ids["late"])
        # the ¥100.00 over-payment is credit on account: the total is net of it
        assert (late.on_account_minor, late.total_minor) == (-10_000, 320_000 - 10_000)
        assert "on account" in text_of(app.screen, "#recv-head")
    assert paid(sqlite_db, "INV-2026-000003") == (80_000, "paid")
    with sqlite_db.read() as s:
        assert s.exec(select(Payment.unapplied_minor).order_by(Payment.id)).all() == [0, 10_000]


async def test_a_payment_typed_in_usd_pays_the_highlighted_usd_invoice(sqlite_db: Database):
    receivables_db(sqlite_db)
    with sqlite_db.write() as s:  # an invoice in US dollars
        s.exec(select(Invoice).where(Invoice.number == "INV-2026-000003")).one().currency = "USD"
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("enter")
        await settle(pilot)
        cust = app.screen
        assert isinstance(cust, CustomerScreen)
        await pilot.press("down", "down", "f6")  # INV-2026-000003
        await type_in(pilot, "USD 850")
        for _ in range(4):
            await pilot.press("tab")
        await pilot.press("h", "enter")
        await settle(pilot)
        message = text_of(cust, "#recv-cust-message")
        assert "$850.00 from" in message and "INV-2026-000003 $800.00 (paid)" in message
        assert "$50.00 kept on account" in message
    assert paid(sqlite_db, "INV-2026-000003") == (80_000, "paid")
    with sqlite_db.read() as s:
        assert s.exec(select(Payment.currency, Payment.unapplied_minor)).all() == [("USD", 5_000)]


async def test_a_bad_amount_shows_the_error_at_the_field_and_saves_nothing(sqlite_db: Database):
    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await open_receivables(pilot)
        await pilot.press("f6")
        form = app.screen
        await type_in(pilot, "12,3x")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form  # still open
        assert "is not an amount" in text_of(form, "#form-error")
        amount = form.query_one("#f-amount")
        assert app.focused is amount and amount.has_class("-error")
        assert bells
        # a bad method letter: the method field
        await type_in(pilot, "12")
        await pilot.press("tab", "tab", "z", "f2")
        await settle(pilot)
        assert "Method: one letter" in text_of(form, "#form-error")
        assert app.focused is form.query_one("#f-method")
        await pilot.press("escape")
        assert isinstance(app.screen, ReceivablesScreen)
    assert counts(sqlite_db) == (0, 0, 0)


async def test_apply_the_customers_credit_on_account_by_key(sqlite_db: Database):
    from oms_tui.services.finance import receivables

    ids = receivables_db(sqlite_db)
    # ¥1,000.00 naming the not-yet-due INV-2026-000003 (¥800.00): ¥200.00 kept on account
    over = receivables.record_payment(sqlite_db, "finance", ids["late"], 100_000, TODAY,
                                      invoice_numbers=["INV-2026-000003"], today=TODAY)  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        assert "t apply credit" in flat(screen_text(app))  # the key line teaches it
        assert screen.rows.highlighted.on_account_minor == -20_000
        await pilot.press("t")  # the highlighted (riskiest) customer
        await settle(pilot)
        assert app.screen is screen
        assert text_of(screen, "#recv-message") == (
            "¥200.00 of credit on account applied for 杭州明亮灯饰: INV-2026-000001 ¥200.00 "
            "(¥2,800.00 left); ¥0.00 left on account."
        )
        late = screen.rows.highlighted
        assert (late.customer_id, late.on_account_minor) == (ids["late"], 0)  # read again
        await pilot.press("t")  # nothing left: said so, nothing written
        await settle(pilot)
        assert text_of(screen, "#recv-message") == "杭州明亮灯饰 has no credit on account."
    assert paid(sqlite_db, "INV-2026-000001") == (20_000, "open")
    with sqlite_db.read() as s:
        moved = s.exec(select(Payment).where(Payment.method == "on_account")).one()
        assert (moved.customer_id, moved.amount_minor, moved.unapplied_minor, moved.received_on,
                moved.created_by, moved.reference) == (
            ids["late"], 0, -20_000, TODAY, "finance",
            f"credit on account from payment {over.number}")  # fmt: skip
        allocs = s.exec(select(PaymentAllocation.amount_minor, Invoice.number)
                        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
                        .where(PaymentAllocation.payment_id == moved.id)).all()  # fmt: skip
        assert [tuple(a) for a in allocs] == [(20_000, "INV-2026-000001")]
        assert s.exec(select(func.count()).select_from(Payment)).one() == 2


async def test_apply_credit_in_the_customer_view_and_from_the_palette(sqlite_db: Database):
    from oms_tui.services.finance import receivables

    ids = receivables_db(sqlite_db)
    # naming no invoice: all ¥50.00 kept on account
    receivables.record_payment(sqlite_db, "finance", ids["bit"], 5_000, TODAY,
                               invoice_numbers=[], today=TODAY)  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("down", "enter")  # Li Wei Hardware
        await settle(pilot)
        cust = app.screen
        assert isinstance(cust, CustomerScreen) and cust.customer_id == ids["bit"]
        await pilot.press("ctrl+p")
        await type_in(pilot, "apply credit")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is cust
        assert text_of(cust, "#recv-cust-message") == (
            "¥50.00 of credit on account applied for Li Wei Hardware: INV-2026-000004 ¥50.00 "
            "(¥1,184.50 left); ¥0.00 left on account."
        )
        [inv] = [i for i in cust.invoices.rows if i.number == "INV-2026-000004"]
        assert inv.open_minor == 118_450  # read again
    assert paid(sqlite_db, "INV-2026-000004") == (5_000, "open")


# -- follow-ups -------------------------------------------------------------------------------


async def test_a_promise_to_pay_shows_in_todays_list_on_its_date(sqlite_db: Database):
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("down")  # Li Wei Hardware
        await pilot.press("f7")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("p", "enter")
        await type_in(pilot, "will pay fri")
        await pilot.press("enter")
        await type_in(pilot, "+4")
        await pilot.press("enter")
        await type_in(pilot, "1234.50")
        await pilot.press("enter", "enter")  # next action: the promise's date
        await settle(pilot)
        assert app.screen is screen
        message = text_of(screen, "#recv-message")
        assert "Follow-up for Li Wei Hardware" in message
        assert "promised ¥1,234.50 by 03-06" in message
        await pilot.press("f8")  # nothing due today yet
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.rows.rows == []
        await pilot.press("escape")
        app.clock = lambda: FROZEN + timedelta(days=4)  # the promised day
        await pilot.press("ctrl+y")
        await settle(pilot)
        today = app.screen
        assert isinstance(today, TodayScreen)
        assert [(f.customer_id, f.kind) for f in today.rows.rows] == [(ids["bit"], "promise")]
        assert "1 follow-up due by 2026-03-06" in text_of(today, "#recv-today-status")
        await pilot.press("enter")  # opens the customer
        await settle(pilot)
        cust = app.screen
        assert isinstance(cust, CustomerScreen) and cust.customer_id == ids["bit"]
        assert "will pay fri" in text_of(cust, "#recv-log")
    with sqlite_db.read() as s:
        f = s.exec(select(FollowUp)).one()
        assert (f.customer_id, f.kind, f.note, f.promise_on, f.promise_minor, f.next_action_on,
                f.actor) == (ids["bit"], "promise", "will pay fri", TODAY + timedelta(days=4),
                             123_450, TODAY + timedelta(days=4), "finance")  # fmt: skip


async def test_a_promise_without_its_date_is_refused_at_the_field(sqlite_db: Database):
    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("f7", "p", "f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert "needs its date" in text_of(form, "#form-error")
        assert app.focused is form.query_one("#f-promise_on")
    assert counts(sqlite_db) == (0, 0, 0)


# -- dunning, statements, credit hold ----------------------------------------------------------


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


async def test_run_dunning_and_print_the_letters(sqlite_db: Database):
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("f9")  # asks first: the as-of date, today by the app's clock
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-as_of").value == "2026-03-02"
        await pilot.press("escape")  # backs out: nothing run
        await settle(pilot)
        assert app.screen is screen
        with sqlite_db.read() as s:
            assert s.exec(select(func.count()).select_from(DunningLetter)).one() == 0
        await pilot.press("f9", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DunningDialog)
        assert [(s.customer_id, s.level) for s in dialog.steps] == [
            (ids["late"], 4), (ids["bit"], 1)]  # fmt: skip
        await pilot.press("enter")
        assert app.screen is screen
        assert "Dunning: 2 letters, 1 credit hold" in text_of(screen, "#recv-message")
    path = printing.documents_dir() / "dunning-DR-2026-000001.pdf"  # the run's number
    assert path.exists()
    text = pdf_text(path)
    assert "杭州明亮灯饰" in text and "Li Wei Hardware" in text
    assert "Credit hold 暂停赊销通知" in text and "Reminder 付款提醒" in text
    with sqlite_db.read() as s:
        assert s.get(Customer, ids["late"]).credit_hold


async def test_dunning_as_of_an_earlier_date_and_not_ahead_of_the_app_clock(
    sqlite_db: Database,
):
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        screen = await open_receivables(pilot)
        await pilot.press("ctrl+b")  # the twin of F9
        form = app.screen
        await type_in(pilot, "+1")  # tomorrow: letters would go out early
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and bells
        assert "dunning runs as of 2026-03-02 or an earlier day" in text_of(
            form, "#form-error")  # fmt: skip
        assert app.focused is form.query_one("#f-as_of")
        await type_in(pilot, "-20")  # 2026-02-10: 80 days after the oldest due date
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DunningDialog)
        # Li Wei's invoice fell due on 02-20: not overdue yet as of 02-10
        assert [(s.customer_id, s.level, s.days_overdue) for s in dialog.steps] == [
            (ids["late"], 3, 80)]  # fmt: skip
        await pilot.press("enter")
        assert "Dunning: 1 letter" in text_of(screen, "#recv-message")
    assert (printing.documents_dir() / "dunning-DR-2026-000001.pdf").exists()
    with sqlite_db.read() as s:
        letters = s.exec(select(DunningLetter.customer_id, DunningLetter.issued_on)).all()
        assert [tuple(x) for x in letters] == [(ids["late"], date(2026, 2, 10))]
        assert not s.get(Customer, ids["late"]).credit_hold  # a final notice, no hold yet


async def test_a_payment_date_is_checked_against_the_app_clock(sqlite_db: Database):
    """The frozen day is months behind the machine's: a payment received a week after it
    is in the app's future, and refused at the date field; the frozen day itself is fine
    even when the app's clock runs ahead of the machine's."""
    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("f6")
        form = app.screen
        await type_in(pilot, "100")
        await pilot.press("enter")
        await type_in(pilot, "2026-03-09")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert "cannot be received in the future" in text_of(form, "#form-error")
        assert app.focused is form.query_one("#f-date")
        await pilot.press("escape")
    assert counts(sqlite_db) == (0, 0, 0)
    ahead = frozen_app(sqlite_db)
    ahead.clock = lambda: datetime(2099, 1, 5, 9, 0)  # far ahead of the machine's date
    async with ahead.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("f6")
        await type_in(pilot, "100")
        await pilot.press("f2")  # received today: 2099-01-05
        await settle(pilot)
        assert "¥100.00 from 杭州明亮灯饰" in text_of(screen, "#recv-message")
    with sqlite_db.read() as s:
        assert s.exec(select(Payment.received_on)).all() == [date(2099, 1, 5)]


async def test_statement_and_no_release_key_for_finance(sqlite_db: Database):
    ids = receivables_db(sqlite_db)
    with sqlite_db.write() as s:
        c = s.get(Customer, ids["late"])
        c.credit_hold, c.credit_hold_reason = True, "overdue 100 days"
        s.add(c)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "Statement of 杭州明亮灯饰 saved as" in text_of(screen, "#recv-message")
        await pilot.press("f11")  # a manager's key (credit.release): not finance's
        await settle(pilot)
        assert app.screen is screen
    [path] = printing.documents_dir().glob("statement-*.pdf")
    assert "杭州明亮灯饰" in pdf_text(path) and "INV-2026-000001" in pdf_text(path)
    with sqlite_db.read() as s:
        assert s.get(Customer, ids["late"]).credit_hold


async def test_selected_invoices_are_paid_in_the_order_chosen(sqlite_db: Database):
    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "down", "space")  # INV-2026-000003 (not due)
        await pilot.press("f6")
        form = app.screen
        assert form.query_one("#f-invoices").value == "INV-2026-000003"
        await type_in(pilot, "500")
        await pilot.press("f2")
        await settle(pilot)
        assert "INV-2026-000003 ¥500.00 (¥300.00 left)" in text_of(app.screen, "#recv-cust-message")
    assert paid(sqlite_db, "INV-2026-000001") == (0, "open")
    assert paid(sqlite_db, "INV-2026-000003") == (50_000, "open")


async def test_collections_per_month_by_key(sqlite_db: Database):
    from oms_tui.screens.receivables.dialogs import CollectionsDialog

    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("f6")
        await type_in(pilot, "100")
        await pilot.press("enter", "enter", "c", "enter", "enter", "enter")  # cash, oldest
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CollectionsDialog)
        text = flat(screen_text(app))
        assert "Collections 2025-04 to 2026-03" in text
        assert "2026-03 ¥100.00 1 payment" in text and "Total ¥100.00 in 1 payment" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen


async def test_back_on_the_next_day_the_aging_is_as_of_today(sqlite_db: Database) -> None:
    """The clerk left receivables open overnight in another area: coming back reads it
    again as of the new day, not the day it was first read."""
    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        assert f"As of {FROZEN.date()} (today)" in text_of(screen, "#recv-status")
        await pilot.press("f12")  # home
        await settle(pilot)
        app.clock = lambda: FROZEN + timedelta(days=1)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
        tomorrow = FROZEN.date() + timedelta(days=1)
        assert f"As of {tomorrow} (today)" in text_of(screen, "#recv-status")
