"""No untranslated string (issue #18 item 2), for the modules converted so far.

1. In each converted module, every string literal that reads as words for a person is
   wrapped for translation (``_()``, ``N_()``, ``ngettext()``); docstrings, ids, keys,
   styles and format codes are not words. A line that must stay as it is (a log line, a
   code) says so with ``# i18n: no``.
2. Every message marked anywhere in the package has a zh_CN translation, neither empty nor
   fuzzy, with the same ``{placeholders}``.
3. The compiled catalog (.mo, shipped in the package) says what the .po says: `make i18n`
   was run after the last edit.

``NOT_YET`` lists the modules with user-visible text not converted yet (docs/i18n.md):
each conversion moves a module from it to ``CONVERTED``; it may only shrink.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import oms_tui
from oms_tui import i18n

ROOT = Path(oms_tui.__file__).parent
PO = ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "oms.po"
MO = PO.with_suffix(".mo")

# Where user-visible text lives: the app shell, screens, widgets, the command line, reports.
USER_FACING = ("app.py", "commands.py", "failures.py", "screens", "widgets", "cli", "reports")

CONVERTED = frozenset({
    "app.py", "commands.py", "failures.py",
    "screens/__init__.py", "screens/home.py", "screens/key_help.py", "screens/placeholder.py",
    "widgets/__init__.py", "widgets/footer.py", "widgets/count_tile.py",
    "widgets/address_line.py",
    "cli/__init__.py", "cli/__main__.py", "cli/main.py", "cli/common.py", "cli/options.py",
    "cli/customer.py", "cli/invoice.py", "cli/user.py", "cli/audit.py", "cli/login.py",
    "cli/product.py",
    "screens/sign_in.py",
    "screens/change_history.py",
    "cli/backup.py", "cli/channel.py", "cli/checks.py", "cli/db.py", "cli/dunning.py",
    "cli/export.py", "cli/imports.py", "cli/payment.py", "cli/printing.py", "cli/production.py",
    "cli/region.py", "cli/report.py", "cli/run.py", "cli/settings.py", "cli/standing.py",
    "cli/stock.py", "cli/tracking.py", "cli/help_format.py",
    # reports: in the reader's language (i18n.document_words)
    "reports/__init__.py", "reports/account_letter.py", "reports/common.py",
    "reports/driver_manifest.py", "reports/fonts.py", "reports/label.py",
    "reports/packing_list.py", "reports/pick_list.py",
    "widgets/dialogs.py",
    "widgets/form_dialog.py",
    "widgets/new_caller.py",
    "widgets/order_list.py",
    "widgets/quick_open.py",
    "widgets/scan_input.py",
    "screens/order_entry/__init__.py",
    "screens/order_entry/customer_picker.py",
    "screens/order_entry/draft_autosave.py",
    "screens/order_entry/keys.py",
    "screens/order_entry/forms.py",
    "screens/order_entry/lines.py",
    "screens/order_entry/model.py",
    "screens/order_entry/options.py",
    "screens/order_entry/product_search.py",
    "screens/order_entry/row.py",
    "screens/order_entry/screen.py",
    "screens/formats.py",
    "screens/order_search.py",
    "screens/order_detail.py",
    "screens/customer_history.py",
    "screens/list_screen.py",
    "screens/order_documents.py",
    "screens/printouts.py",
    "screens/audit_dialogs.py",
    "screens/audit_queue.py",
    "screens/audit_rows.py",
    "screens/stock/__init__.py", "screens/stock/dialogs.py", "screens/stock/lists.py",
    "screens/stock/rows.py", "screens/stock/screen.py", "screens/stock/stocktake.py",
    "screens/production/__init__.py", "screens/production/capacity.py",
    "screens/production/dialogs.py", "screens/production/rows.py",
    "screens/production/screen.py",
    "screens/dispatch/__init__.py", "screens/dispatch/dialogs.py", "screens/dispatch/rows.py",
    "screens/dispatch/screen.py",
    "screens/van_runs/__init__.py", "screens/van_runs/rows.py", "screens/van_runs/screen.py",
    "screens/van_runs/settle.py",
    "screens/receivables/__init__.py", "screens/receivables/customer.py",
    "screens/receivables/dialogs.py", "screens/receivables/rows.py",
    "screens/receivables/screen.py", "screens/receivables/today.py",
    "screens/order_import/__init__.py", "screens/order_import/files.py",
    "screens/order_import/rows.py", "screens/order_import/screen.py",
})  # fmt: skip

NOT_YET: frozenset[str] = frozenset()  # every module with user-visible text is converted
NOT_YET_MOST = 0  # lower it with each module converted; never raise it

# The services' sentences (docs/i18n.md, "What a service says"): each one a template marked
# ``N_()`` and formatted in English, shown through ``i18n.shown``. The service modules whose
# sentences are not marked yet; each conversion removes one. It may only shrink.
SERVICES_NOT_YET: frozenset[str] = frozenset({
})  # fmt: skip

MARKERS = {"_", "N_", "ngettext", "gettext", "pgettext", "tr"}  # tr: a document's words (i18n.py)
# keyword arguments that hold names, not words
NAME_KEYWORDS = {"id", "classes", "group", "key_display", "name", "action", "variant", "key",
                 "mode", "screen_class", "module", "metavar", "envvar", "encoding", "exclusive",
                 "prog_name", "cls"}  # fmt: skip
# calls whose arguments are names (a query, a CSS class, a mode)
NAME_CALLS = {
    "work",
    "query_one",
    "query",
    "import_module",
    "getattr",
    "get",
    "set_class",
    "has_class",
    "add_class",
    "remove_class",
    "switch_mode",
    "Exit",
    "anyone",
    "unchecked",
}  # fmt: skip (a service's permission note, for developers)
STYLE_WORDS = {"bold", "dim", "italic", "underline", "reverse", "strike", "not", "on", "link"}
WORD = re.compile(r"[A-Za-z]{2,}")


def _modules(names: frozenset[str]) -> list[Path]:
    return sorted(ROOT / n for n in names)


def user_facing_modules() -> set[str]:
    found = set()
    for entry in USER_FACING:
        path = ROOT / entry
        paths = [path] if path.is_file() else path.rglob("*.py")
        found |= {p.relative_to(ROOT).as_posix() for p in paths}
    return found


def reads_as_words(text: str) -> bool:
    """A person would read it: letters in words with a space between, a capitalised word,
    or a sentence's end; not a style (``bold $text-accent``), a path, or a format code."""
    plain = re.sub(r"\{[^{}]*\}", " ", text).strip()
    if not WORD.search(plain):
        return False
    tokens = plain.split()
    if all(t in STYLE_WORDS or t.startswith(("$", "#", "%", "-", ".")) for t in tokens):
        return False
    if len(tokens) == 1 and re.fullmatch(r"[a-z0-9_.:/\-+,*=()!]+", tokens[0]):
        return False  # an id, an action, a key, a module or a CSS class
    if len(tokens) == 1 and re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+", tokens[0]):
        return False  # a class name (OrderEntryScreen)
    return bool(len(tokens) > 1 or re.match(r"[A-Z][a-z]", plain) or plain[-1] in ".:!?…")


def unwrapped_words(path: Path) -> list[str]:
    """``line: text`` for each string literal in ``path`` that reads as words and is not
    marked for translation."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    skip: set[int] = set()  # ids of nodes not to look into
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):  # fmt: skip
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in MARKERS:
                skip |= {id(n) for arg in node.args for n in ast.walk(arg)}
            if name == "Binding":  # key and action
                skip |= {id(n) for arg in node.args[:2] for n in ast.walk(arg)}
            if name in NAME_CALLS:
                skip |= {id(n) for arg in node.args for n in ast.walk(arg)}
            for kw in node.keywords:
                if kw.arg in NAME_KEYWORDS:
                    skip |= {id(n) for n in ast.walk(kw.value)}
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and (t.id.endswith("_CSS") or t.id == "DEFAULT_CSS")
            for t in node.targets
        ):
            skip |= {id(n) for n in ast.walk(node.value)}
        if isinstance(node, ast.JoinedStr):  # an f-string: its text parts together
            skip |= {id(v) for v in node.values}
    found = []
    for node in ast.walk(tree):  # Babel does not read into f-strings: a text marked there
        if isinstance(node, ast.JoinedStr):  # never reaches the catalog
            for call in ast.walk(node):
                func = getattr(call, "func", None)
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if isinstance(call, ast.Call) and name in MARKERS and any(
                        isinstance(a, ast.Constant) and isinstance(a.value, str)
                        for a in call.args):  # fmt: skip
                    found.append(
                        f"{path.relative_to(ROOT)}:{call.lineno}: marked inside an "
                        f"f-string (not extracted): {ast.unparse(call)}"
                    )
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
        else:
            continue
        if "i18n: no" in lines[node.lineno - 1] or not reads_as_words(text):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    return found


def test_every_user_facing_module_is_converted_or_listed() -> None:
    assert not CONVERTED & NOT_YET
    assert user_facing_modules() == CONVERTED | NOT_YET, "list a new module in CONVERTED"
    assert len(NOT_YET) <= NOT_YET_MOST, "NOT_YET only shrinks (and NOT_YET_MOST with it)"


@pytest.mark.parametrize("path", _modules(CONVERTED), ids=lambda p: str(p.relative_to(ROOT)))
def test_converted_modules_wrap_every_word(path: Path) -> None:
    assert unwrapped_words(path) == []


def _service_modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "services").rglob("*.py")}


def test_services_not_yet_converted_are_real_modules() -> None:
    assert SERVICES_NOT_YET <= _service_modules()


@pytest.mark.parametrize("path", _modules(frozenset(_service_modules() - SERVICES_NOT_YET)),
                         ids=lambda p: str(p.relative_to(ROOT)))  # fmt: skip
def test_services_mark_every_sentence(path: Path) -> None:
    assert unwrapped_words(path) == []


def test_the_check_finds_an_unwrapped_message(tmp_path: Path) -> None:
    """The check itself: what it must find, and what it must leave alone."""
    module = tmp_path / "m.py"
    module.write_text('"""Doc string."""\n'
                      'def f(x):\n'
                      '    """Its doc."""\n'
                      '    say("Nothing to export.")\n'
                      '    say(f"{x} rows saved")\n'
                      '    say(_("Wrapped."), style="bold $text-error")\n'
                      '    Binding("f2,ctrl+s", "save", N_("Save"), id="x.save")\n'
                      '    log("Raw line for the log")  # i18n: no\n'
                      '    say(f"{_(\'Total\')} {x}")\n')  # fmt: skip
    old_root = globals()["ROOT"]
    globals()["ROOT"] = tmp_path
    try:
        assert unwrapped_words(module) == [
            "m.py:9: marked inside an f-string (not extracted): _('Total')",
            "m.py:4: 'Nothing to export.'", "m.py:5: ' rows saved'"]  # fmt: skip
    finally:
        globals()["ROOT"] = old_root


def _package_messages() -> dict[tuple[str, str | None], int]:
    """(message, its context or None) -> a line it is on."""
    found: dict[tuple[str, str | None], int] = {}
    for path in ROOT.rglob("*.py"):
        for lineno, message, _comments, context in extract_from_file("python", str(path)):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.setdefault((text, context), lineno)
    return found


def marked_inside_f_strings(path: Path) -> list[str]:
    """``line: text`` for each text marked inside an f-string (``f"{_('Date')}: ..."``):
    Python 3.11 reads an f-string as one token, so ``make i18n`` never sees the text and it
    stays English in every language."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") in MARKERS \
                    and any(isinstance(a, ast.Constant) for a in inner.args):  # fmt: skip
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {inner.args[0].value!r}")
    return found


def test_no_text_is_marked_inside_an_f_string() -> None:
    found = [hit for p in ROOT.rglob("*.py") for hit in marked_inside_f_strings(p)]
    assert not found, "mark it outside the f-string: " + "; ".join(found)


def test_every_marked_message_has_a_chinese_translation() -> None:
    catalog = read_po(PO.open("rb"))
    problems = []
    for text, context in _package_messages():
        entry = catalog.get(text, context=context) or next(
            (m for m in catalog if isinstance(m.id, tuple) and text in m.id), None
        )
        if entry is None:
            problems.append(f"missing: {text!r} (run `make i18n`, then translate it)")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {text!r}")
        wanted = set(re.findall(r"\{[^{}]*\}", text))
        if any(set(re.findall(r"\{[^{}]*\}", s)) != wanted for s in strings):
            problems.append(f"placeholders differ: {text!r}")
    assert problems == []


def test_the_shipped_catalog_is_compiled_from_the_po() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for entry in read_po(PO.open("rb")):
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            assert compiled.ngettext(*entry.id, 1) == entry.string[0], entry.id
        elif entry.context:
            assert compiled.pgettext(entry.context, entry.id) == entry.string, entry.id
        else:
            assert compiled.gettext(entry.id) == entry.string, "run `make i18n-compile`"


def test_language_resolution() -> None:
    assert i18n.normalise("zh_CN.UTF-8") == i18n.normalise("zh-cn") == "zh_CN"
    assert i18n.normalise("中文") == "zh_CN" and i18n.normalise("en_US.UTF-8") == "en"
    assert i18n.normalise("C") is None and i18n.normalise("fr_FR") is None
    env = {"LANG": "zh_CN.UTF-8"}
    assert i18n.resolve(None, None, env) == "zh_CN"  # the locale
    assert i18n.resolve(None, "en", env) == "en"  # the company's setting over the locale
    assert i18n.resolve("zh_CN", "en", {}) == "zh_CN"  # the user's over the company's
    assert i18n.resolve(None, None, {"LANG": "C.UTF-8"}) == "en"
    assert i18n.from_environment({"LANGUAGE": "fr:zh_CN", "LANG": "en_US"}) == "zh_CN"
    assert i18n.from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"


def test_switching_the_language() -> None:
    try:
        i18n.set_language("zh_CN")
        assert i18n._("Order entry") == "订单录入"
        assert i18n.ngettext("invoice, {amount}", "invoices, {amount}", 3) == "张发票，{amount}"
        i18n.set_language("en")
        assert i18n._("Order entry") == "Order entry"
        assert i18n.ngettext("invoice, {amount}", "invoices, {amount}", 3) == "invoices, {amount}"
    finally:
        i18n.set_language("en")


def test_amounts_and_dates_read_the_same_in_both_languages() -> None:
    """¥1,234.00 and 2026-12-07 whatever the language (issue #18 item 4)."""
    from datetime import UTC, datetime

    from oms_tui.screens.formats import local_time
    from oms_tui.services.platform.money import format_money

    at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    shown = []
    for language in ("en", "zh_CN"):
        i18n.set_language(language)
        shown.append((format_money(123_400, "CNY"), local_time(at, "%Y-%m-%d")))
    i18n.set_language("en")
    assert shown == [("¥1,234.00", "2026-12-07")] * 2
