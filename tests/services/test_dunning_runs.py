"""Dunning runs (issue #15, item 4): several processes running dunning at once step each
customer once; a promise to pay holds the escalation until it is broken; a run is as of
today or earlier; letters are stepped only together with their saved PDF, and reprinted."""

from __future__ import annotations

import io
import traceback
from collections import Counter
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func
from sqlmodel import select

from oms_tui.models import Customer, DunningLetter, FollowUp, Invoice
from oms_tui.reports.account_letter import renderer
from oms_tui.reports.common import Company
from oms_tui.services.checks import invariants
from oms_tui.services.finance import dunning, follow_ups
from oms_tui.services.platform import printing
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import NotFound, OmsError
from tests import processes
from tests.audit_factories import customer as make_customer
from tests.factories import dun, dun_run


@pytest.fixture
def db(fresh_db: Database) -> Database:
    """Child processes here connect by URL and may outlive a failing test: a database of
    each test's own rather than this process's shared schema (conftest)."""
    return fresh_db


TODAY = date.today()
PROCESSES = 4
CUSTOMERS = 12


def _invoice(db: Database, cid: int, amount: int, due: date, number: str) -> None:
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=cid, amount_minor=amount, issued_on=due,
                      due_on=due, created_by="t"))  # fmt: skip


def _run(url: str, actor: str, barrier, results) -> None:  # noqa: ANN001
    """Child process: wait for the others, then run dunning as of three days, the last today."""
    db = Database(url)
    try:
        with db.read() as s:
            s.exec(select(Customer.id)).all()  # warm up: imports, mappers, a connection
        barrier.wait(timeout=120)
        taken = 0
        for back in (85, 70, 0):  # days 15, 30 and 100 overdue: level 1, 2, 4
            taken += len(dun(db, TODAY - timedelta(days=back), TODAY, actor))
        results.put((actor, taken, None))
    except Exception:  # noqa: BLE001 - reported to the parent
        results.put((actor, 0, traceback.format_exc()))
    finally:
        db.dispose()


def test_processes_running_dunning_at_once_step_each_customer_once(db):
    ids = [make_customer(db, phone=f"1390000{n:04d}") for n in range(CUSTOMERS)]
    for cid in ids:
        _invoice(db, cid, 10_000, TODAY - timedelta(days=100), f"INV-{cid}")
    ctx = processes.context()
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    runners = ("finance", "manager", "admin", "li")  # users who may run dunning
    procs = [ctx.Process(target=_run, args=(db.url, name, barrier, results))
             for name in runners[:PROCESSES]]  # fmt: skip
    for p in procs:
        p.start()
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [err for *_, err in reports if err] == []
    with db.read() as s:
        letters = Counter(s.execute(select(DunningLetter.customer_id, DunningLetter.level)).all())
        holds = Counter(s.exec(select(FollowUp.customer_id).where(FollowUp.kind == "hold")).all())
        held = s.exec(select(func.count()).where(Customer.credit_hold == True)).one()  # noqa: E712
    assert sum(taken for _a, taken, _e in reports) == len(letters) == 3 * CUSTOMERS
    assert [k for k, n in letters.items() if n > 1] == []  # no letter twice
    assert sorted(holds) == sorted(ids) and set(holds.values()) == {1}  # one hold each
    assert held == CUSTOMERS
    assert invariants.verify(db) == []


# -- a promise to pay holds the escalation until it is broken ------------------------------


def test_a_promise_to_pay_holds_the_next_step_until_its_day_has_passed(db):
    day = date(2026, 11, 30)
    cid = make_customer(db, phone="13900001001")
    other = make_customer(db, phone="13900001002")
    for c in (cid, other):
        _invoice(db, c, 10_000, day - timedelta(days=10), f"INV-P{c}")
    assert [s.level for s in dun(db, day)] == [1, 1]  # both reminded
    # 30 days overdue on 12-20: one promised on 12-15 to pay by 12-28
    follow_ups.record_follow_up(db, "finance", cid, "promise", "pays on the 28th",
                                promise_on=date(2026, 12, 28),
                                today=date(2026, 12, 15))  # fmt: skip
    # a later call closes the promise as a task: the promise stands all the same
    follow_ups.record_follow_up(db, "finance", cid, "call", "confirmed by phone",
                                today=date(2026, 12, 16))  # fmt: skip
    run = dun_run(db, date(2026, 12, 20))
    assert [(s.customer_id, s.level) for s in run.steps] == [(other, 2)]
    assert run.promised == (_name(db, cid),)
    assert dun(db, date(2026, 12, 28)) == []  # the promised day itself: not broken yet
    # broken: the day has passed and the invoice is still overdue; the step due is taken
    [step] = dun(db, date(2026, 12, 29))
    assert (step.customer_id, step.level, step.days_overdue) == (cid, 2, 39)


def test_a_promise_made_after_the_day_a_run_is_as_of_does_not_hold_it(db):
    cid = make_customer(db, phone="13900001003")
    _invoice(db, cid, 10_000, TODAY - timedelta(days=40), "INV-Q")
    follow_ups.record_follow_up(db, "finance", cid, "promise", promise_on=TODAY + timedelta(
        days=5), today=TODAY)  # fmt: skip
    assert [s.level for s in dun(db, TODAY - timedelta(days=2), TODAY)] == [2]


def _name(db, cid: int) -> str:
    with db.read() as s:
        return s.get(Customer, cid).name


# -- letters saved with the steps, or no step ----------------------------------------------


def test_a_letter_that_cannot_be_rendered_or_saved_leaves_no_step_taken(db, tmp_path):
    cid = make_customer(db, phone="13900001004")
    _invoice(db, cid, 10_000, TODAY - timedelta(days=100), "INV-R")

    def broken(papers):  # noqa: ANN001, ANN202 - a renderer that fails (or a kill mid-run)
        assert [p.level for p in papers] == [4]
        raise RuntimeError("font missing")

    with pytest.raises(RuntimeError, match="font missing"):
        dunning.run_dunning(db, "finance", TODAY, TODAY, render=broken)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(OmsError, match="cannot create the folder .*not-a-folder"):
        dunning.run_dunning(db, "finance", TODAY, TODAY, render=lambda papers: b"%PDF",
                            out=blocked / "letters.pdf")  # fmt: skip
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(DunningLetter)).one() == 0
        assert s.exec(select(func.count()).select_from(FollowUp)).one() == 0
        c = s.get(Customer, cid)
        assert (c.dunning_level, c.credit_hold) == (0, False)
    run = dun_run(db, TODAY)  # a run that saves its letters takes the step
    assert [s.level for s in run.steps] == [4] and run.number.startswith("DR-")
    path = printing.documents_dir() / f"dunning-{run.number}.pdf"
    assert run.path == str(path)
    assert "INV-R" in _pdf_text(path.read_bytes())
    with db.read() as s:
        assert s.exec(select(DunningLetter.run)).all() == [run.number]


def _killed_run(url: str, rendering, never) -> None:  # noqa: ANN001
    """Child process: a run whose letters are being rendered when it is killed."""
    db = Database(url)

    def render(papers):  # noqa: ANN001, ANN202
        rendering.set()  # the steps are written, not committed
        never.wait()
        return b""

    dunning.run_dunning(db, "finance", TODAY, TODAY, render=render)


def test_a_run_killed_before_its_letters_are_saved_leaves_no_step(db):
    cid = make_customer(db, phone="13900001007")
    _invoice(db, cid, 10_000, TODAY - timedelta(days=100), "INV-K")
    ctx = processes.context()
    rendering, never = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_killed_run, args=(db.url, rendering, never))
    proc.start()
    assert rendering.wait(timeout=300)
    proc.kill()
    proc.join(timeout=60)
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(DunningLetter)).one() == 0
        assert s.get(Customer, cid).credit_hold is False
    assert [s.level for s in dun(db, TODAY)] == [4]  # the next run takes the step


def test_reprint_a_run_or_a_customers_last_letter(db):
    first = make_customer(db, phone="13900001005")
    second = make_customer(db, phone="13900001006")
    _invoice(db, first, 10_000, TODAY - timedelta(days=10), "INV-S1")
    _invoice(db, second, 20_000, TODAY - timedelta(days=40), "INV-S2")
    run = dun_run(db, TODAY)
    render = renderer(Company("杭州测试公司", currency="CNY"))
    again = dunning.reprint(db, run.number.lower(), render=render)
    assert (again.name, again.letters, again.path) == (f"dunning-{run.number}", 2, run.path)
    text = _pdf_text(open(again.path, "rb").read())
    assert "INV-S1" in text and "INV-S2" in text and "Second notice" in text
    with db.read() as s:
        code = s.get(Customer, second).code
    one = dunning.reprint(db, code, render=render)
    assert (one.name, one.letters) == (f"dunning-{run.number}-{code}", 1)
    assert "INV-S2" in _pdf_text(open(one.path, "rb").read())
    with pytest.raises(NotFound, match="no dunning run or customer 'DR-2026-999999'"):
        dunning.reprint(db, "DR-2026-999999", render=render)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
