"""F1 / ?: the key grammar, built from the live bindings so it never drifts from them."""

from __future__ import annotations

from collections import defaultdict

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..i18n import N_, _
from . import WORKFLOW_BY_MODE, WORKFLOWS, OmsScreen

EVERYWHERE_EXTRA = (("Tab", N_("Next field (Shift+Tab: previous)")),)  # i18n: no (a key)
EVERYWHERE_ORDER = ("app.back", "app.keys", "app.quit", "app.theme", "app.language")


def _key_text(app: App, bindings: list[Binding]) -> str:
    first = bindings[0]
    if first.key_display:
        return first.key_display
    return " / ".join(dict.fromkeys(app.get_key_display(b) for b in bindings))


def _may_open(screen: Screen, binding_id: str) -> bool:
    """An area's key is listed for a user whose role may open it (``go.<mode>``)."""
    workflow = WORKFLOW_BY_MODE.get(binding_id.removeprefix("go."))
    return workflow is None or not isinstance(screen, OmsScreen) or screen.may(workflow.permission)


def grammar_sections(screen: Screen) -> dict[str, list[tuple[str, str]]]:
    """(keys, what they do) per section for ``screen``: areas, everywhere, this screen.

    Call it while ``screen`` is active: which of its keys are enabled depends on that.
    """
    app = screen.app
    by_action: dict[tuple[str, str], list[Binding]] = defaultdict(list)
    # Every app-wide key, even one that has nothing to do right now (F12 at home).
    for bindings in app._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.system or not binding.description:
                continue
            section = "areas" if (binding.id or "").startswith("go.") else "everywhere"
            if section == "areas" and not _may_open(screen, binding.id or ""):
                continue
            by_action[(section, binding.action)].append(binding)
    # The screen's own keys (they have ids); not Screen's tab/copy, nor the focused widget's.
    for namespace, binding, enabled, _tooltip in screen.active_bindings.values():
        if namespace is screen and enabled and binding.id and binding.description:
            by_action[("screen", binding.action)].append(binding)
    sections: dict[str, list[tuple[str, str]]] = {"areas": [], "everywhere": [], "screen": []}
    ids: dict[tuple[str, str], str] = {}
    for (section, _action), bindings in by_action.items():
        binding = next((b for b in bindings if b.show), bindings[0])
        ordered = [binding] + [b for b in bindings if b is not binding]
        keys = _key_text(app, ordered)
        row = (keys, binding.tooltip or binding.description)
        sections[section].append(row)
        ids[row] = binding.id or ""
    sections["everywhere"].extend(EVERYWHERE_EXTRA)
    rank = {binding_id: n for n, binding_id in enumerate(EVERYWHERE_ORDER)}
    sections["everywhere"].sort(key=lambda row: rank.get(ids.get(row, ""), len(rank)))
    order = {f"go.{wf.mode}": n for n, wf in enumerate(WORKFLOWS)}
    sections["areas"].sort(key=lambda row: order.get(ids.get(row, ""), len(order)))
    # The descriptions are msgids (``N_``): said in the current language.
    return {name: [(keys, _without_keys(_(does), keys)) for keys, does in rows]
            for name, rows in sections.items()}  # fmt: skip


class KeyHelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, grouped as the README's key grammar."""

    BINDINGS = [
        Binding("f1,question_mark,escape,f12", "dismiss", N_("Close"), key_display="F1/Esc",
                id="keys.close"),
    ]  # fmt: skip

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._sections = grammar_sections(under)

    def compose(self) -> ComposeResult:
        sections = self._sections
        with VerticalScroll(id="key-help") as box:
            box.border_title = _("Keys")
            box.border_subtitle = _("F1, ? or Esc closes")
            yield Static(Content.assemble(_("Areas"), " ", (
                _("(any screen, when no text field has focus)"), "dim")),
                classes="key-help-heading")  # fmt: skip
            areas = sections["areas"]
            half = (len(areas) + 1) // 2
            rows = []
            for left, right in zip(areas[:half], areas[half:] + [("", "")], strict=False):
                rows.append(_row(*left, key_width=2, width=24) + _row(*right, key_width=2))
            yield Static(Content("\n").join(rows), classes="key-help-rows")
            yield Static(_("Everywhere"), classes="key-help-heading")
            yield from _rows(sections["everywhere"])
            if sections["screen"]:
                yield Static(_("This screen"), classes="key-help-heading")
                yield from _rows(sections["screen"])


def _rows(rows: list[tuple[str, str]]) -> ComposeResult:
    """Keys and what they do, a row each; a long description wraps under itself."""
    with Vertical(classes="key-help-rows"):
        for keys, does in rows:
            with Horizontal(classes="key-help-row"):
                yield Static(keys, classes="key-help-key", markup=False)
                yield Static(does, classes="key-help-does", markup=False)


def _without_keys(does: str, keys: str) -> str:
    """A tooltip may start by naming its keys ("Up/Down: move…"), which the list shows
    already in the keys column: said once."""
    head, sep, rest = does.partition(":")
    if sep and head.strip().lower() == keys.lower() and rest.strip():
        rest = rest.strip()
        return rest[0].upper() + rest[1:]
    return does


def _row(keys: str, does: str, *, key_width: int = 9, width: int = 0) -> Content:
    row = Content.assemble((f"{keys:<{key_width}} ", "bold $text-accent"), does)
    return row.pad_right(max(0, width - row.cell_length)) if width else row
