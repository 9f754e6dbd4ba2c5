"""An unknown caller's name, phone and address, typed in the order entry screen itself.

The panel is part of the entry screen from the start (hidden), over the rows below the
customer field while shown, so an unknown caller is created without leaving the order and
without a dialog screen: pushing one (compose, styles, a layout and a full repaint of the
dialog over the dimmed screen) was the slowest key of a new caller's order, ~20-50 ms
(``bench/entry_keystrokes.py``); showing the panel repaints only the rows it covers.

The panel only gathers what is typed: ``Submitted`` carries the values and the group to
the screen, which creates the customer through the service and answers with ``close`` or
``show_error``. The address is typed as one line as the caller says it and shows split
into its parts below it, each correctable (``address_line.py``). Keys while a field of it
has focus: Tab / Shift+Tab (and Down / Up) move between its fields and stay in it, Enter
or F2 saves, F4 (the lookup of the focused field, as everywhere) or F10 / Ctrl+G lists
the groups (``GroupWanted``: the screen asks, then calls ``set_group``), Esc / F12 backs
out. The group is a field too: ``w`` or ``wholesale`` typed there is enough. Its keys in
the footer are the entry screen's (Save, Find, Back), so the footer does not change size
as the panel opens and closes (a layout pass less each time).
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Static

from ..i18n import N_, _
from .address_line import PARTS, AddressLine
from .scan_input import ScanInput

FIELDS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")), ("phone", N_("Phone")), ("address", N_("Address")),
    ("province", N_("Province")), ("city", N_("City")), ("district", N_("District")),
    ("street", N_("Street")), ("group", N_("Group")),
)  # fmt: skip
DEFAULT_GROUP = "retail"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def prefill(typed: str) -> dict[str, str]:
    """What the clerk typed in the customer field goes to the phone if it is a phone
    (digits, spaces, dashes, brackets, a leading +), else to the name."""
    text = typed.strip()
    stripped = text.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    phone_like = bool(stripped) and _digits(stripped) == stripped.lstrip("+")
    values = dict.fromkeys((name for name, _label in FIELDS), "")
    values["phone" if phone_like else "name"] = text
    values["group"] = DEFAULT_GROUP
    return values


def resolve_group(typed: str, groups: tuple[str, ...]) -> str | None:
    """The group named, or the only one that starts so (``w``: wholesale); None if none
    or several do."""
    text = "_".join(typed.strip().lower().split())
    if text in groups:
        return text
    matches = [g for g in groups if g.startswith(text)] if text else []
    return matches[0] if len(matches) == 1 else None


class NewCallerPanel(Vertical):
    """Name, phone, address (one line, split into province, city, district and street:
    ``address_line.py``) and group of a new customer; hidden until ``open``."""

    DEFAULT_CSS = """
    NewCallerPanel {
        display: none;
        overlay: screen;
        height: auto;
        border: round $primary;  /* whole rows: what it lies over is never cut in half */
        border-title-color: $text-accent;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    NewCallerPanel .new-caller-row { height: 1; }
    NewCallerPanel .new-caller-label { width: 10; color: $text-muted; }
    NewCallerPanel ScanInput {
        width: 1fr;
        &.-error { background: $error 30%; }
    }
    NewCallerPanel #new-caller-error { height: 1; color: $text-error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "save", N_("Save"), key_display="F2/^S", id="new_caller.save",
                tooltip=N_("Create the customer (as Enter in any field)")),
        Binding("f4,ctrl+l", "group", N_("Find"), key_display="F4/^L", id="new_caller.find",
                tooltip=N_("List the customer groups (the one field here with a lookup)")),
        Binding("f10,ctrl+g", "group", N_("Group"), key_display="F10/^G", show=False,
                id="new_caller.group", tooltip=N_("The new customer's group")),
        Binding("escape,f12", "cancel", N_("Back"), key_display="F12/Esc", id="new_caller.back",
                tooltip=N_("Back to the customer field; nobody is created")),
    ]  # fmt: skip

    names: ClassVar[tuple[str, ...]] = tuple(name for name, _label in FIELDS)

    class Submitted(Message):
        """Enter or F2: create this customer."""

        def __init__(self, values: dict[str, str], group: str) -> None:
            super().__init__()
            self.values, self.group = values, group

    class Cancelled(Message):
        """Esc: closed, nobody created."""

    class GroupWanted(Message):
        """F10: ask for the group (the screen's choice dialog), then ``set_group``."""

        def __init__(self, current: str) -> None:
            super().__init__()
            self.current = current

    def __init__(self, groups: tuple[str, ...], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.groups = groups
        self.busy = False
        self._warming = False
        self.retranslate()

    def retranslate(self) -> None:
        """Its titles and labels in the current language."""
        self.border_title = _("New customer")
        self.border_subtitle = _("Tab next field · Enter saves · Esc backs out")
        if self.is_mounted:
            for label, (_name, text) in zip(self.query(".new-caller-label").results(Label),
                                            FIELDS, strict=True):  # fmt: skip
                label.update(_(text))
            self.field("group").placeholder = self._group_hint()

    def _group_hint(self) -> str:
        groups = ", ".join(g.replace("_", " ") for g in self.groups)
        return _("F4 lists them: {groups}").format(groups=groups)

    def compose(self) -> ComposeResult:
        hint = {"group": self._group_hint(),
                "address": _("as said: 浙江省杭州市滨江区江南大道88号")}  # fmt: skip
        for name, label in FIELDS:
            with Horizontal(classes="new-caller-row"):
                yield Label(_(label), classes="new-caller-label")
                yield ScanInput(
                    DEFAULT_GROUP if name == "group" else "",
                    keep_value=True,
                    id=f"new-caller-{name}",
                    placeholder=hint.get(name, ""),
                )
        yield Static("", id="new-caller-error")

    def on_mount(self) -> None:
        for name in self.names:  # Tab, Shift+Tab, Down, Up: among these fields, in key order
            self.field(name).next_field = partial(self._neighbour, name)
        # the address typed as one line fills province, city, district, street (correctable)
        parts = {name: self.field(name) for name in PARTS}
        self.address = AddressLine(self, self.field("address"), parts)

    def _neighbour(self, name: str, step: int) -> ScanInput:
        names = self.names
        return self.field(names[(names.index(name) + step) % len(names)])

    # -- what the screen calls ------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.display and not self._warming

    def open(self, typed: str = "", values: dict[str, str] | None = None) -> None:
        """Blank for a new caller, what was typed in the customer field filled in (or
        ``values``: a resumed draft's), the first empty field focused."""
        self.busy = False
        if self._warming:
            self._warming = False
            self.styles.visibility = "visible"
        for name, value in (prefill(typed) | (values or {})).items():
            if name not in self.names:
                continue
            field = self.field(name)
            if field.value != value:  # only what changed: each change asks for a layout
                field.value = value
            field.remove_class("-error")
        self.address.reset()
        self._error("")
        self.display = True
        self.field(self._first_empty()).focus()

    def warm_up(self) -> None:
        """Laid out once, unseen, with the screen's first paint: the first ``open`` of a
        session then costs what the others do (sizing its fields the first time was one
        more layout pass of the screen, ~8 ms of the key that opened it)."""
        self.styles.visibility = "hidden"
        self.display = True
        self._warming = True

        def hide() -> None:
            if self._warming:  # (not opened meanwhile)
                self._warming = False
                self.display = False
                self.styles.visibility = "visible"

        self.call_after_refresh(hide)

    def close(self) -> None:
        self.busy = False
        self.display = False

    def values(self) -> dict[str, str]:
        return {name: self.field(name).value for name in self.names}

    def typed(self) -> tuple[tuple[str, str], ...]:
        """What was typed (for the draft): the fields with text, if any but the group has."""
        values = self.values()
        if not any(v.strip() for k, v in values.items() if k != "group"):
            return ()
        return tuple((k, v) for k, v in values.items() if v)

    @property
    def group(self) -> str | None:
        """The group typed (a name or its start), None if it names none."""
        return resolve_group(self.field("group").value, self.groups)

    def set_group(self, group: str) -> None:
        field = self.field("group")
        field.value = group
        field.cursor_position = len(group)

    def show_error(self, message: str, field: str | None = None) -> None:
        """The service refused: the message under the fields, the field marked and focused."""
        self.busy = False
        self._error(message)
        names = [name for name, _label in FIELDS]
        for name in names:
            self.field(name).set_class(name == field, "-error")
        self.field(field if field in names else self._first_empty()).focus()
        self.app.bell()

    def field(self, name: str) -> ScanInput:
        return self.query_one(f"#new-caller-{name}", ScanInput)

    # -- keys -----------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.busy:
            return
        group = self.group
        if group is None:
            names = [g.replace("_", " ") for g in self.groups]
            self.show_error(_("group: {groups} or {last} (F4 lists them)").format(
                groups=", ".join(names[:-1]), last=names[-1]), "group")  # fmt: skip
            return
        self.busy = True
        self.set_group(group)
        self._error(Content.styled(_("Saving…"), "dim"))
        self.post_message(self.Submitted(self.values(), group))

    def action_group(self) -> None:
        self.post_message(self.GroupWanted(self.group or DEFAULT_GROUP))

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled())

    # -- inside ---------------------------------------------------------------------------

    def _first_empty(self) -> str:
        return next((name for name, _label in FIELDS if not self.field(name).value), "name")

    def _error(self, message: str | Content) -> None:
        widget = self.query_one("#new-caller-error", Static)
        if message or widget.content:
            widget.update(message, layout=False)  # one row high (DEFAULT_CSS): no layout pass
