"""What every status machine shares (``services/states/machine.py``), and each machine's
table checked the same way: every legal move accepted, every other refused with a
sentence, every status reachable from the first, the model's default status its first."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from types import SimpleNamespace

import pytest

from oms_tui.models import (
    DeliveryRun,
    Invoice,
    Order,
    ProductionOrder,
    PurchaseReceipt,
    ReturnOrder,
    Shipment,
    Stocktake,
)
from oms_tui.services.platform.errors import IllegalTransition
from oms_tui.services.states import (
    invoice_states,
    order_states,
    production_states,
    receipt_states,
    return_states,
    shipment_states,
    stocktake_states,
    van_run_states,
)
from oms_tui.services.states.machine import Machine

# each machine with the table it governs
MACHINES = {
    "order": (order_states.MACHINE, Order),
    "production": (production_states.MACHINE, ProductionOrder),
    "shipment": (shipment_states.MACHINE, Shipment),
    "invoice": (invoice_states.MACHINE, Invoice),
    "return": (return_states.MACHINE, ReturnOrder),
    "van_run": (van_run_states.MACHINE, DeliveryRun),
    "receipt": (receipt_states.MACHINE, PurchaseReceipt),
    "stocktake": (stocktake_states.MACHINE, Stocktake),
}
EVERY = [(name, a, b) for name, (m, _) in MACHINES.items()
         for a in m.statuses for b in m.statuses if a != b]  # fmt: skip
LEGAL = [c for c in EVERY if c[2] in MACHINES[c[0]][0].transitions[c[1]]]
ILLEGAL = [c for c in EVERY if c[2] not in MACHINES[c[0]][0].transitions[c[1]]]


def _ids(cases: list[tuple]) -> list[str]:
    return [f"{n}:{a}->{b}" for n, a, b in cases]


@pytest.mark.parametrize(("name", "frm", "to"), LEGAL, ids=_ids(LEGAL))
def test_legal_transition_accepted(name, frm, to):
    assert MACHINES[name][0].check(frm, to, "because") == (frm, to)


@pytest.mark.parametrize(("name", "frm", "to"), ILLEGAL, ids=_ids(ILLEGAL))
def test_illegal_transition_refused(name, frm, to):
    with pytest.raises(IllegalTransition, match="cannot become"):
        MACHINES[name][0].check(frm, to, "because")


@pytest.mark.parametrize("name", MACHINES)
def test_the_model_default_is_the_first_status_and_every_status_is_reachable(name):
    machine, model = MACHINES[name]
    first = machine.parse(model.model_fields["status"].default)
    assert first is next(iter(machine.statuses))
    seen, todo = {first}, [first]
    while todo:
        for nxt in machine.transitions[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(machine.statuses)


@pytest.mark.parametrize("name", MACHINES)
def test_statuses_fit_their_column(name):
    machine, model = MACHINES[name]
    width = model.__table__.c.status.type.length
    assert max(len(s) for s in machine.statuses) <= width


class Lamp(StrEnum):
    OFF = "off"
    ON = "on"
    BROKEN = "broken_down"


LAMP = Machine("lamp", Lamp, {Lamp.OFF: {Lamp.ON}, Lamp.ON: {Lamp.OFF, Lamp.BROKEN},
                              Lamp.BROKEN: set()},
               reason_required={Lamp.BROKEN}, stamps={Lamp.ON: ("on_at", "seen_at")})  # fmt: skip


def test_a_table_must_name_every_status():
    with pytest.raises(ValueError, match="lamp: no transitions given"):
        Machine("lamp", Lamp, {Lamp.OFF: {Lamp.ON}})


def test_refusals_read_as_sentences():
    with pytest.raises(IllegalTransition, match=r"^unknown lamp status: dim$"):
        LAMP.check("off", "dim")
    with pytest.raises(IllegalTransition, match=r"^a lamp that is off cannot become broken "
                                                r"down; possible: on$"):  # fmt: skip
        LAMP.check("off", "broken_down")
    with pytest.raises(IllegalTransition, match=r"possible: none \(final\)$"):
        LAMP.check("broken_down", "on")
    with pytest.raises(IllegalTransition, match=r"^a reason is required to make a lamp broken"):
        LAMP.check("on", "broken_down", "  ")
    assert LAMP.allowed_next("on") == {Lamp.OFF, Lamp.BROKEN}


def test_change_sets_the_status_its_times_and_updated_at():
    old = datetime(2026, 1, 1, tzinfo=UTC)
    lamp = SimpleNamespace(status="off", on_at=None, seen_at=None, updated_at=old)
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert LAMP.change(lamp, "on", at=at) == (Lamp.OFF, Lamp.ON)
    assert lamp.status is Lamp.ON and lamp.on_at == lamp.seen_at == at
    assert lamp.updated_at > old
    assert LAMP.change(lamp, "off") == (Lamp.ON, Lamp.OFF)
    assert lamp.on_at == at  # entering another status stamps nothing
    with pytest.raises(IllegalTransition):
        LAMP.change(lamp, "broken_down", "fell")
    assert lamp.status is Lamp.OFF  # a refused change changes nothing
