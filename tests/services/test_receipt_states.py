"""The purchase receipt state machine: receiving sets ``received_at``; then it is final.
(Every machine's table: test_machine.py.)"""

from __future__ import annotations

from oms_tui.models import PurchaseReceipt
from oms_tui.services.states import receipt_states
from oms_tui.services.states.receipt_states import ReceiptStatus
from tests import state_factories


def test_a_receipt_is_received_once(db):
    rid = state_factories.add(
        db,
        PurchaseReceipt(
            number="PR-T-1", created_by="sun", warehouse_id=state_factories.warehouse(db)
        ),
    )
    got = state_factories.moved(db, PurchaseReceipt, rid, receipt_states.move,
                                ReceiptStatus.RECEIVED)  # fmt: skip
    assert got.status == ReceiptStatus.RECEIVED and got.received_at is not None
    text = state_factories.refused(db, PurchaseReceipt, rid, receipt_states.move,
                                   ReceiptStatus.CANCELLED)  # fmt: skip
    assert text == "a receipt that is received cannot become cancelled; possible: none (final)"
