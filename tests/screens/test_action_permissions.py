"""Every key a role may not use is hidden and inert (issue 17 point 2: "screens hide what
the user may not do and the palette does not offer it"), inside an area as well as the
area itself.

``NEEDS`` is the table: for every screen's and dialog's action (its keys and palette
entries), the service entry points it calls, directly or through the dialog it opens,
that check a permission. The permission each needs is read from the service's own
``@requires`` (a read declared ``@anyone`` cannot be listed), so the table cannot claim
what the services do not check; the test then holds the screen to it: the action is in
the screen's ``ACTION_PERMISSIONS`` with that permission (a dialog: its opener's action),
or the part of the action that needs it is offered only after ``self.may(permission)``
(``INSIDE``), or the screen is one of an area that needs that permission to be opened at
all (``AREA``). A new key on any screen fails ``test_every_action_is_in_the_table`` until
it is put in the table, and one that calls a checked service fails until it is declared.

Then, for the five screens of the issue's gap (dispatch, van runs, order import, the
stocktake and the capacity view), a role that has the key and one that has not: the
footer, F1 and the palette, and the key pressed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

import oms_tui.screens
import oms_tui.widgets
from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.screens import WORKFLOWS, OmsScreen
from oms_tui.screens.dispatch import DispatchScreen
from oms_tui.screens.key_help import KeyHelpScreen
from oms_tui.screens.order_import import OrderImportScreen
from oms_tui.screens.production.capacity import CapacityScreen
from oms_tui.screens.receivables import ReceivablesScreen
from oms_tui.screens.stock import StockScreen
from oms_tui.screens.stock.stocktake import StocktakeScreen
from oms_tui.screens.van_runs import VanRunsScreen
from oms_tui.services.exchange import order_import
from oms_tui.services.finance import dunning, follow_ups, receivables
from oms_tui.services.fulfilment import stock_operations as ops
from oms_tui.services.parties import customers, invoicing
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.permissions import PERMISSIONS, NotPermitted
from oms_tui.services.production import routes, stages
from oms_tui.services.sales import audit_checks, audit_decisions, drafts
from oms_tui.services.shipping import delivery_runs, dispatch, tracking
from tests.pilot import settle

from .app_helpers import flat, screen_text

Services = tuple[Callable[..., object], ...]
NONE: Services = ()

# screen or dialog class -> action -> the permission-checked services it leads to
NEEDS: dict[str, dict[str, Services]] = {
    # order entry (area: orders.enter). Every change to the order on screen saves its draft
    # (drafts.save_draft, orders.enter): the area's permission (AREA below).
    "OrderEntryScreen": {
        "save": (audit_checks.submit_new_order,),
        "discard": (drafts.discard_draft,),
        "new_customer": (customers.create_customer,),  # the new caller panel's F2
        "invoicing": (invoicing.set_invoicing,),  # InvoicingDialog
        "ship_to": (customers.add_address,),  # "New address…" (NewAddressDialog)
        "back": (drafts.discard_draft,),  # "discard it and leave"
        "delete_line": (drafts.save_draft,), "edit_line": (drafts.save_draft,),
        "lookup": (drafts.save_draft,), "options": (drafts.save_draft,),
        "templates": (drafts.save_draft,), "repeat_order": (drafts.save_draft,),
        "move": NONE,
    },
    "NewAddressDialog": {"save": (customers.add_address,), "cancel": NONE},
    "InvoicingDialog": {"save": (invoicing.set_invoicing,), "cancel": NONE},
    "LineDialog": {"save": NONE, "cancel": NONE},  # the line on screen; the draft: AREA
    "ProductSearchDialog": {"cancel": NONE, "move": NONE},
    # audit queue
    "AuditQueueScreen": {
        "approve": (audit_decisions.approve,), "reject": (audit_decisions.reject,),
        "hold": (audit_decisions.hold,), "send_back": (audit_decisions.send_back,),
        "bump": (audit_decisions.bump,), "approve_selected": (audit_decisions.approve_many,),
        "open": NONE, "refresh": NONE, "select": NONE, "move": NONE,
    },
    "ReasonDialog": {"cancel": NONE},  # answers its opener, which acts
    "BulkResultDialog": {"dismiss": NONE},
    # order search and detail: reads (an order's documents are reprints anyone may make)
    "OrderSearchScreen": {"open": NONE, "query": NONE, "results": NONE, "search": NONE},
    "OrderDetailScreen": {"changes": NONE, "customer": NONE, "documents": NONE,
                          "reload": NONE, "scroll": NONE},  # fmt: skip
    "DocumentsDialog": {"close": NONE},
    "CustomerHistoryScreen": {"changes": NONE, "reload": NONE},
    "ChangeHistoryScreen": {"reload": NONE},
    # stock (area: stock.view)
    "StockScreen": {
        "receive": (ops.receive,), "transfer": (ops.transfer,), "adjust": (ops.adjust,),
        "stocktake": (ops.start_stocktake,), "reorder": NONE, "low_stock": NONE,
        "changes": NONE, "refresh": NONE, "move": NONE, "page": NONE,
    },
    "StocktakeScreen": {
        "post": (ops.post_stocktake,), "cancel_count": (ops.cancel_stocktake,),
        "refresh": NONE, "move": NONE, "page": NONE,
    },
    "LowStockScreen": {"open": NONE, "refresh": NONE},
    "ReorderScreen": {"export": NONE, "open": NONE, "refresh": NONE},  # a CSV of a read
    # production (area: production.view)
    "ProductionScreen": {
        "start": (stages.start,), "advance": (stages.advance,),
        "quality": (stages.quality_failure,), "expected": (stages.set_expected,),
        "capacity": NONE, "due_filter": NONE, "history": NONE, "next_line": NONE,
        "refresh": NONE,
    },
    "HistoryDialog": {"close": NONE},
    "CapacityScreen": {"refresh": NONE},
    # dispatch (area: dispatch.ship) and the van runs it opens
    "DispatchScreen": {
        "start_wave": (dispatch.create_shipments,), "ship": (dispatch.ship,),
        "tracking": (tracking.add_tracking_event,),
        "packing_list": NONE, "labels": NONE, "pick_list": NONE,  # reprints
        "van_runs": NONE,  # its screen offers plan and settle by role
        "open": NONE, "refresh": NONE, "select": NONE, "select_group": NONE,
    },
    "ShipDialog": {"save": (dispatch.ship,), "cancel": NONE},
    "TrackingDialog": {"save": (tracking.add_tracking_event,), "cancel": NONE},
    "NoticeDialog": {"close": NONE, "copy": NONE},
    "VanRunsScreen": {
        "plan": (delivery_runs.plan_run,), "settle": (delivery_runs.settle_run,),
        "manifest": NONE, "refresh": NONE, "back": NONE, "pick": NONE,
    },
    "SettleRunScreen": {"settle": (delivery_runs.settle_run,), "cancel": NONE, "stop": NONE},
    # receivables (area: finance.view)
    "ReceivablesScreen": {
        "payment": (receivables.record_payment,),
        "follow_up": (follow_ups.record_follow_up,),
        "release_hold": (dunning.release_credit_hold,),
        "apply_credit": (receivables.apply_credit_on_account,),
        "dunning": (dunning.run_dunning,),
        "statement": NONE, "as_of": NONE, "collections": NONE, "find": NONE, "open": NONE,
        "refresh": NONE, "today": NONE,
        "van_runs": NONE,  # its screen offers plan and settle by role
    },
    "CustomerScreen": {
        "payment": (receivables.record_payment,),
        "follow_up": (follow_ups.record_follow_up,),
        "release_hold": (dunning.release_credit_hold,),
        "apply_credit": (receivables.apply_credit_on_account,),
        "statement": NONE, "changes": NONE, "refresh": NONE,
    },
    "TodayScreen": {"open": NONE, "refresh": NONE},
    "DunningDialog": {"close": NONE},
    "CollectionsDialog": {"close": NONE},
    # import (area: orders.import)
    "OrderImportScreen": {
        "import_orders": (order_import.run_import,), "map_code": (order_import.remember_alias,),
        "choose_file": NONE, "preview": NONE, "profile": NONE, "channel": NONE,
        "save_report": NONE, "move_file": NONE,
    },
    # everywhere
    "HomeScreen": {"refresh_counts": NONE},
    "KeyHelpScreen": {"dismiss": NONE},
    # the generic dialogs answer their opener, which calls the service (its key declared)
    "ChoiceDialog": {"cancel": NONE},
    "PromptDialog": {"cancel": NONE},
    "ConfirmDialog": {"answer": NONE},
    "FormDialog": {"save": NONE, "cancel": NONE},
}  # fmt: skip

# (screen, action): the part needing the permission is offered only when the role has it
INSIDE: dict[tuple[str, str], str] = {("OrderEntryScreen", "ship_to"): "customers.edit"}

# (screen, action): the screen is only reached in an area whose own permission is this one
AREA: dict[tuple[str, str], str] = {
    ("OrderEntryScreen", action): "orders.enter"
    for action in ("back", "delete_line", "edit_line", "lookup", "options", "templates",
                   "repeat_order")
}  # fmt: skip

# (screen, action): declared though its services check nothing (a choice of what to show)
STRICTER: dict[tuple[str, str], str] = {
    ("StockScreen", "reorder"): "what to buy is the planners' (stock.plan), as reorder points",
    ("ReceivablesScreen", "van_runs"): "finance reaches the van runs to settle them (vans.settle)",
}

# dialog -> the screen and action that open it (the dialog's own keys need what that needs)
OPENED_BY: dict[str, tuple[str, str]] = {
    "NewAddressDialog": ("OrderEntryScreen", "ship_to"),
    "InvoicingDialog": ("OrderEntryScreen", "invoicing"),
    "ShipDialog": ("DispatchScreen", "ship"),
    "TrackingDialog": ("DispatchScreen", "tracking"),
    "SettleRunScreen": ("VanRunsScreen", "settle"),
}


def _screen_classes() -> dict[str, type[Screen]]:
    for package in (oms_tui.screens, oms_tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(info.name)
    found: dict[str, type[Screen]] = {}
    todo = [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("oms_tui."):
                found[sub.__name__] = sub
    return found


def _actions(cls: type[Screen]) -> set[str]:
    """The actions of the class's own keys (and its oms base classes') and palette."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("oms_tui."):
            continue
        for binding in klass.__dict__.get("BINDINGS", []):
            action = binding.action if isinstance(binding, Binding) else binding[1]
            names.add(action.split("(")[0])
    names |= {action for action, *_rest in getattr(cls, "PALETTE", ())}
    return names


def _needed(services: Services) -> set[str]:
    found = set()
    for service in services:
        declared = getattr(service, "__permission__", None)
        assert declared and not declared.startswith("anyone"), (
            f"{service.__qualname__} checks no permission: leave it out of NEEDS"
        )
        found.add(declared)
    return found


SCREENS = _screen_classes()


def test_every_action_is_in_the_table() -> None:
    walked = {name: _actions(cls) for name, cls in SCREENS.items()}
    missing = sorted(f"{name}.{action}" for name, actions in walked.items()
                     for action in actions if action not in NEEDS.get(name, {}))  # fmt: skip
    stale = sorted(f"{name}.{action}" for name, actions in NEEDS.items()
                   for action in actions if action not in walked.get(name, set()))  # fmt: skip
    assert missing == [], "put these in NEEDS, with the checked services they call"
    assert stale == [], "no such screen action any more"


def _area_permission(name: str) -> str | None:
    cls = SCREENS[name]
    return next((wf.permission for wf in WORKFLOWS if wf.screen_class == name
                 or cls.__module__.startswith(f"oms_tui.screens.{wf.module}")), None)  # fmt: skip


def test_each_action_is_declared_as_its_services_need() -> None:
    wrong = []
    for name, actions in NEEDS.items():
        cls = SCREENS[name]
        for action, services in actions.items():
            needed = _needed(services)
            assert len(needed) <= 1, f"{name}.{action} needs {needed}: split the action"
            need = next(iter(needed), None)
            key = (name, action)
            if issubclass(cls, OmsScreen):
                declared = cls.ACTION_PERMISSIONS.get(action)
            elif need is not None:  # a dialog: opened by an action that needs what it needs
                assert name in OPENED_BY, f"{name}.{action} needs {need}: name its opener"
                opener, opener_action = OPENED_BY[name]
                declared = (SCREENS[opener].ACTION_PERMISSIONS.get(opener_action)
                            or INSIDE.get((opener, opener_action)))  # fmt: skip
            else:
                continue
            if need is None:
                if declared is not None and key not in STRICTER:
                    wrong.append(
                        f"{name}.{action}: declares {declared}; its services check "
                        "nothing (or list it in STRICTER, saying why)"
                    )
                continue
            calls = ", ".join(s.__qualname__ for s in services)
            if key in INSIDE:
                source = inspect.getsource(getattr(cls, f"action_{action}"))
                if INSIDE[key] != need or f'self.may("{need}")' not in source:
                    wrong.append(f"{name}.{action}: {calls} needs {need}, not asked inside")
            elif key in AREA:
                if AREA[key] != need or _area_permission(name) != need:
                    wrong.append(f"{name}.{action}: {calls} needs {need}, not the area's")
            elif declared != need:
                wrong.append(f"{name}.{action}: {calls} needs {need}; declared: {declared}")
    assert wrong == []


def test_declared_permissions_are_the_matrixs_and_name_real_actions() -> None:
    for name, cls in SCREENS.items():
        own = cls.__dict__.get("ACTION_PERMISSIONS")
        if not own:
            continue
        family = [c for c in SCREENS.values() if issubclass(c, cls)]
        actions = set().union(*(_actions(c) for c in family))
        assert set(own) <= actions, f"{name}: no such action {set(own) - actions}"
        assert set(own.values()) <= set(PERMISSIONS), name


# -- per role, on the five screens ----------------------------------------------------------


def app_as(db: Database, user: str):  # noqa: ANN201
    app = make_app(Settings(database_url=db.url, user=user), db)
    app.clock = lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    return app


def offered(app) -> set[str]:  # noqa: ANN001
    """The actions of the keys the footer and F1 offer on the screen now."""
    return {b.action.split("(")[0] for _k, b, enabled, _t in app.screen.active_bindings.values()
            if enabled}  # fmt: skip


def palette(app) -> list[str]:  # noqa: ANN001
    from oms_tui.commands import ScreenCommands

    return [text for text, _help, _call in ScreenCommands(app.screen)._commands()]


async def keys_help(pilot) -> str:  # noqa: ANN001
    """What F1 lists on the screen now (closed again after)."""
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, KeyHelpScreen)
    text = flat(screen_text(pilot.app))
    await pilot.press("escape")
    await settle(pilot)
    return text


async def reach(pilot, mode: str, screen_class: type[Screen]) -> Screen:  # noqa: ANN001
    """The area's screen, by its letter when the role may open it, else switched to by
    code (as a stale palette or a bug might): its keys must still follow the role."""
    app = pilot.app
    await settle(pilot)
    app.switch_mode(mode)
    await settle(pilot)
    assert isinstance(app.screen, screen_class)
    return app.screen


def message(screen: Screen) -> str:
    return str(screen.query_one(f"#{screen.MESSAGE_ID}", Static).content)


async def pressed_changes_nothing(pilot, key: str) -> None:  # noqa: ANN001
    """The key does nothing: no dialog, no screen, not a word on the message line."""
    screen = pilot.app.screen
    said = message(screen)
    await pilot.press(key)
    await settle(pilot)
    assert pilot.app.screen is screen
    assert message(screen) == said


async def test_dispatch_offers_wave_ship_and_tracking_only_to_who_ships(
    sqlite_db: Database,
) -> None:
    gated = {"start_wave", "ship", "tracking"}
    for user, may in (("warehouse", True), ("finance", False)):
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(80, 24)) as pilot:
            await reach(pilot, "dispatch", DispatchScreen)
            keys = offered(app)
            assert gated & keys == (gated if may else set()), user
            assert {"packing_list", "labels", "pick_list", "refresh"} <= keys  # reads: anyone's
            assert ("Dispatch: Ship" in palette(app)) is may
            assert ("Dispatch: Start wave" in palette(app)) is may
            assert ("F2/^S Wave" in flat(screen_text(app))) is may  # the footer
            help_text = await keys_help(pilot)
            assert ("Ship the open shipment" in help_text) is may
            assert "Reprint the order's packing list" in help_text
            if not may:
                for key in ("f2", "f6", "f9", "ctrl+o"):
                    await pressed_changes_nothing(pilot, key)
    with pytest.raises(NotPermitted, match=r"^finance \(finance\) may not pick, pack and ship"):
        dispatch.create_shipments(sqlite_db, "finance", [])


async def test_van_runs_plan_for_who_runs_the_vans_and_settle_for_who_settles(
    sqlite_db: Database,
) -> None:
    # the warehouse plans the runs, finance settles the cash (vans.settle), a manager both
    for user, plan, settles in (("warehouse", True, False), ("finance", False, True),
                                ("manager", True, True), ("clerk", False, False)):  # fmt: skip
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(VanRunsScreen())
            await settle(pilot)
            keys = offered(app)
            assert ("plan" in keys, "settle" in keys) == (plan, settles), user
            assert {"manifest", "refresh", "back"} <= keys
            assert ("Van runs: Plan run" in palette(app)) is plan
            assert ("Van runs: Settle run" in palette(app)) is settles
            footer = flat(screen_text(app))
            assert ("F2/^S Plan" in footer, "F6/^O Settle" in footer) == (plan, settles)
            if not plan:
                await pressed_changes_nothing(pilot, "f2")
            if not settles:
                await pressed_changes_nothing(pilot, "f6")
    with pytest.raises(NotPermitted, match=r"^finance \(finance\) may not plan and run"):
        delivery_runs.plan_run(sqlite_db, "finance", "VAN1", date(2026, 11, 30))
    with pytest.raises(NotPermitted, match=r"^clerk \(clerk\) may not settle the cash"):
        delivery_runs.settle_run(sqlite_db, "clerk", "VR-1", {})


async def test_finance_reaches_the_van_runs_from_receivables_to_settle_them(
    sqlite_db: Database,
) -> None:
    """Finance settles a driver's cash (vans.settle) but has no dispatch, which is how the
    warehouse reaches the runs: receivables' ``v`` opens them, with Settle and no Plan."""
    app = app_as(sqlite_db, "finance")
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot, "receivables", ReceivablesScreen)
        assert "van_runs" in offered(app)
        assert "Receivables: Van runs" in palette(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VanRunsScreen)
        assert {"settle"} <= offered(app) and "plan" not in offered(app)


async def test_the_import_offers_import_and_map_code_only_to_who_imports(
    sqlite_db: Database,
) -> None:
    gated = {"import_orders", "map_code"}
    for user, may in (("clerk", True), ("warehouse", False)):
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(80, 24)) as pilot:
            await reach(pilot, "import", OrderImportScreen)
            keys = offered(app)
            assert gated & keys == (gated if may else set()), user
            assert {"choose_file", "preview", "profile", "channel", "save_report"} <= keys
            assert ("Import: Import the orders" in palette(app)) is may
            assert ("Import: Map product code" in palette(app)) is may
            assert ("F2/^S Import" in flat(screen_text(app))) is may
            if not may:
                for key in ("f2", "f8"):
                    await pressed_changes_nothing(pilot, key)
    with pytest.raises(NotPermitted, match=r"^warehouse \(warehouse\) may not import orders"):
        order_import.run_import(sqlite_db, "warehouse", b"")
    with pytest.raises(NotPermitted, match=r"^warehouse \(warehouse\) may not import orders"):
        order_import.remember_alias(sqlite_db, "warehouse", "jd", "X1", "LED-40W")


async def test_the_stocktake_posts_and_cancels_only_for_who_moves_stock(
    sqlite_db: Database,
) -> None:
    for user, may in (("warehouse", True), ("clerk", False)):
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(80, 24)) as pilot:
            await reach(pilot, "stock", StockScreen)
            assert ("stocktake" in offered(app)) is may  # the key that opens it
            assert ("Stock: Stocktake" in palette(app)) is may
            if not may:
                await pressed_changes_nothing(pilot, "f9")
            app.push_screen(StocktakeScreen((("HZ", "Hangzhou"),)))  # reached anyway
            await settle(pilot)
            keys = offered(app)
            gated = {"post", "cancel_count"}
            assert gated & keys == (gated if may else set()) and "refresh" in keys
            assert ("Stocktake: Post" in palette(app)) is may
            assert ("F2/^S Post" in flat(screen_text(app))) is may
            if not may:
                await pressed_changes_nothing(pilot, "f2")
    with pytest.raises(NotPermitted, match=r"^clerk \(clerk\) may not receive, transfer"):
        ops.start_stocktake(sqlite_db, "clerk", "HZ")


async def test_the_capacity_view_only_reads_and_is_the_same_for_every_role(
    sqlite_db: Database,
) -> None:
    """Capacity is changed on the command line (`oms production route ... --capacity N`,
    ``production.plan``), not here: the view has one key, to read again, for every role
    that sees the production board, the plan's roles or not."""
    assert CapacityScreen.ACTION_PERMISSIONS == {}
    assert NEEDS["CapacityScreen"] == {"refresh": NONE}
    for user in ("production", "clerk"):
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(CapacityScreen(date(2026, 11, 30)))
            await settle(pilot)
            assert "refresh" in offered(app)
            assert "Capacity" in flat(screen_text(app))
    with pytest.raises(NotPermitted, match=r"^clerk \(clerk\) may not plan production"):
        routes.set_route(sqlite_db, "clerk", "Door line", "doors", 5, [("cutting", 1)])
