"""Import: how the import screen writes the files to choose from, the planned orders, the
problems and the counts of a preview or an import. Pure text, no widgets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.content import Content

from ...i18n import N_, _, pgettext, shown
from ...services.exchange.order_import import ImportPlan, ImportResult, PlannedOrder, Problem
from ...widgets.order_list import Piece, fit
from ..list_screen import head_line
from .files import FileRow

UNKNOWN_CODE = "unknown product code"  # i18n: no (how the service's reason starts)
# a planned order's action, said in the current language
ACTION_WORDS = (N_("create"), N_("update"), N_("unchanged"), N_("refused"))


# -- the files to choose from ------------------------------------------------------------------


def size_text(size: int) -> str:
    for unit in ("B", "kB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    return str(size)


def folder_word(where: str) -> str:
    """A folder's short name (``files.import_folders``) in the current language."""
    return pgettext("folder", "Documents") if where == "Documents" else _(where)  # i18n: no


def file_row(row: FileRow, width: int) -> list[Piece]:
    name = max(8, width - 1 - 11 - 12 - 10)
    when = datetime.fromtimestamp(row.modified).strftime("%m-%d %H:%M")
    return [
        (" " + fit(row.path.name, name), ""),
        (" " + fit(folder_word(row.where), 10), "dim"),
        (" " + when, "dim"),
        (" " + fit(size_text(row.size), 9, True), "dim"),
    ]


def files_head(width: int) -> str:
    name = max(8, width - 1 - 11 - 12 - 10)
    return head_line((N_("File"), name), (N_("Folder"), 10), (N_("Modified"), 11),
                     (N_("Size"), 9, True))  # fmt: skip


# -- the preview -------------------------------------------------------------------------------

ACTION_STYLE = {"create": "pass", "update": "warn", "unchanged": "dim", "refused": "fail"}


def lines_text(order: PlannedOrder) -> str:
    if order.action == "refused" and order.why:
        return shown(order.why)
    lines = ", ".join(f"{ln.product_code} x{ln.qty}" for ln in order.lines)
    return f"{order.existing}: {lines}" if order.existing else lines


def order_row(order: PlannedOrder, width: int) -> list[Piece]:
    customer = 18
    lines = max(6, width - 1 - 15 - (customer + 1) - 11)
    name = order.customer_name + (_(" (new)") if order.customer_id is None else "")
    return [
        (" " + fit(order.external_id, 14), ""),
        (" " + fit(name, customer), "" if order.customer_id is not None else "alert"),
        (" " + fit(lines_text(order), lines), "dim"),
        (" " + fit(_(order.action), 10), ACTION_STYLE.get(order.action, "")),
    ]


def orders_head(width: int) -> str:
    customer = 18
    lines = max(6, width - 1 - 15 - (customer + 1) - 11)
    return head_line((N_("Order id"), 14), (N_("Customer"), customer), (N_("Lines"), lines),
                     (N_("Action"), 10))  # fmt: skip


def problem_row(problem: Problem, width: int) -> list[Piece]:
    reason = max(6, width - 1 - 6 - 13 - 14)
    return [
        (" " + fit(str(problem.row), 5, True), ""),
        (" " + fit(problem.column, 12), ""),
        (" " + fit(problem.value or _("(empty)"), 13), "" if problem.value else "dim"),
        (" " + fit(shown(problem.reason), reason),
         "alert" if problem.reason.startswith(UNKNOWN_CODE) else "warn"),
    ]  # fmt: skip


def problems_head(width: int) -> str:
    reason = max(6, width - 1 - 6 - 13 - 14)
    return head_line((N_("Row"), 5, True), (N_("Column"), 12), (N_("Value"), 13),
                     (N_("Reason"), reason))  # fmt: skip


def bad_rows(problems: Sequence[Problem]) -> int:
    return len({p.row for p in problems})


def plan_counts(plan: ImportPlan) -> Content:
    """``Create 2 · update 0 · unchanged 0 · refused 1 · bad rows 1 · new customers 2``."""
    parts: list[str | tuple[str, str]] = []
    for action, style in (("create", "$text-success"), ("update", "$text-warning"),
                          ("unchanged", ""), ("refused", "$text-error")):  # fmt: skip
        n = plan.count(action)
        label = _(action).capitalize() if action == "create" else _(action)
        parts += [(f"{label} {n}", f"bold {style}" if n and style else ""), " · "]
    bad = bad_rows(plan.problems)
    parts += [(_("bad rows {n}").format(n=bad), "bold $text-error" if bad else ""), " · ",
              _("new customers {n}").format(n=plan.new_customers)]  # fmt: skip
    return Content.assemble(*parts)


def result_counts(result: ImportResult) -> Content:
    bad = bad_rows(result.problems)
    return Content.assemble(
        (_("Imported: "), "bold"),
        (_("created {n}").format(n=len(result.created)),
         "bold $text-success" if result.created else ""),
        _(" · updated {updated} · unchanged {unchanged} · ").format(
            updated=len(result.updated), unchanged=result.unchanged),
        (_("refused {n}").format(n=len(result.refused)),
         "bold $text-error" if result.refused else ""),
        " · ", (_("bad rows {n}").format(n=bad), "bold $text-error" if bad else ""),
    )  # fmt: skip


def result_text(result: ImportResult) -> str:
    numbers = [*result.created, *result.updated]
    listed = ", ".join(numbers[:3]) + (
        _(" and {n} more").format(n=len(numbers) - 3) if len(numbers) > 3 else ""
    )
    text = (
        _("In the audit queue: {orders}.").format(orders=listed)
        if numbers
        else _("Nothing new to import.")
    )
    if result.failed:
        text += " " + _("F9 saves the error report.")
    return text
