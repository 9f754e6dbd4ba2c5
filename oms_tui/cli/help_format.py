"""``--help`` laid out by terminal cells, not characters.

click's ``HelpFormatter`` measures and wraps text by ``len``: a Chinese character counts one
but takes two cells, so a Chinese help line of 78 characters took up to 156 columns and
overflowed an 80-column terminal. ``CellHelpFormatter`` measures with ``rich.cells`` and
wraps Chinese text between any two characters (never before a closing mark such as ``，``
or ``）``, never after an opening one), Latin words at spaces as before; ``CellContext``
makes every command use it, and ``short_help`` shortens a command's help for its group's
list by cells too (``options.TranslatedHelp``). English help comes out as click wrote it,
but for the Chinese words in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rich.cells import cell_len
from typer import Context
from typer._click.formatting import HelpFormatter, iter_rows
from typer._click.utils import make_default_short_help

# Chinese (and other wide) characters, full-width punctuation included: a line may break
# between any two of them
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_OPENS = "（「『《〈【〔“‘"  # never last on a line
_CLOSES = "，。、；：？！）」』》〉】〕”’…·,.;:?!)\\]}%"  # never first on a line
_TOKEN = re.compile(rf"\s+|[{_OPENS}]*(?:[{_WIDE}]|[^\s{_WIDE}]+)[{_CLOSES}]*")


def _tokens(text: str) -> Iterator[str]:
    """Words, each Chinese character (with the marks that keep to it), and spaces; a word
    ending in an opening bracket keeps to what follows it (``(发`` of ``(发票抬头)``)."""
    held = ""
    for m in _TOKEN.finditer(text):
        token = m.group()
        if held and not token.isspace():
            token, held = held + token, ""
        elif held:
            yield held
            held = ""
        if token[-1] in _OPENS or token[-1] in "([{":
            held = token
        else:
            yield token
    if held:
        yield held


def _chop(text: str, cells: int) -> tuple[str, str]:
    """``text`` split where its start fills ``cells`` cells (at least one character)."""
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > cells:
            return text[: max(i, 1)], text[max(i, 1) :]
    return text, ""


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``text`` wrapped to lines of at most ``width`` cells (as ``textwrap.fill`` with
    ``replace_whitespace=False`` does by characters): spaces at a break are dropped."""
    lines: list[str] = []
    line, used, words, space = initial_indent, cell_len(initial_indent), False, ""
    for token in _tokens(text):
        if token.isspace():
            space = token.replace("\n", " ") if words else ""
            continue
        need = cell_len(token)
        if words and used + cell_len(space) + need > width:
            lines.append(line)
            line, used, words, space = subsequent_indent, cell_len(subsequent_indent), False, ""
        line, used = line + space, used + cell_len(space)
        while used + need > width and not words:  # longer than a whole line: cut it
            head, token = _chop(token, max(width - used, 1))
            lines.append(line + head)
            line, used, need = subsequent_indent, cell_len(subsequent_indent), cell_len(token)
            if not token:
                break
        if token:
            line, used, words = line + token, used + need, True
        space = ""
    if words or not lines:
        lines.append(line)
    return "\n".join(lines)


def wrap_text(text: str, width: int = 78, initial_indent: str = "",
              subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:  # fmt: skip
    """click's ``formatting.wrap_text`` (paragraphs, their indent, ``\\b`` blocks kept as
    they are) with lines measured in cells."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, str]] = []
    buf: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if buf:
            raw = buf[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, "\n".join(buf[1:]) if raw else " ".join(buf)))
            buf.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
        else:
            if indent is None:
                indent = len(line) - len(line.lstrip())
                line = line.lstrip()
            buf.append(line)
    flush()
    out = []
    for extra, raw, par in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        if raw:
            out.append("\n".join((first if i == 0 else rest) + line
                                 for i, line in enumerate(par.splitlines())))  # fmt: skip
        else:
            out.append(fill(par, width, first, rest))
    return "\n\n".join(out)


def short_help(help_text: str, limit: int) -> str:
    """A command's line in its group's list when it has no ``short_help``: click's
    ``make_default_short_help`` (the first sentence, else as many words as fit and
    ``...``) with ``limit`` in cells and a Chinese sentence ending at ``。``. English is
    left to click, so it reads as it always did."""
    if cell_len(help_text) == len(help_text):
        return make_default_short_help(help_text, limit)
    text = " ".join(help_text.split("\n\n", 1)[0].split()).removeprefix("\b").strip()
    taken: list[str] = []
    used, space = 0, ""
    for token in _tokens(text):
        if token.isspace():
            space = " " if taken else ""
            continue
        if used + cell_len(space + token) > limit:
            break
        taken.append(space + token)
        used, space = used + cell_len(space + token), ""
        if token.endswith((".", "。")):
            return "".join(taken)
    else:
        return "".join(taken)
    while taken and used + 3 > limit:
        used -= cell_len(taken.pop())
    return "".join(taken).rstrip() + "..."


class CellHelpFormatter(HelpFormatter):
    """click's ``HelpFormatter`` measuring terminal cells: the usage line, the help text and
    the definition lists (options, commands) fit the width on the screen, Chinese too."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = "Usage: " if prefix is None else prefix  # i18n: no (click's own default)
        usage_prefix = f"{prefix:>{self.current_indent}}{prog} "
        text_width = self.width - self.current_indent
        if text_width >= cell_len(usage_prefix) + 20:  # the arguments fit after the prefix
            indent = " " * cell_len(usage_prefix)
            self.write(wrap_text(args, text_width, usage_prefix, indent))
        else:  # the prefix is too long: the arguments on the next line
            self.write(usage_prefix + "\n")
            indent = " " * (max(self.current_indent, cell_len(prefix)) + 4)
            self.write(wrap_text(args, text_width, indent, indent))
        self.write("\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, indent, indent, preserve_paragraphs=True))
        self.write("\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:  # fmt: skip
        rows = list(rows)
        if not rows:
            return
        first_col = min(max(cell_len(r[0]) for r in rows), col_max) + col_spacing
        for first, second in iter_rows(rows, 2):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cell_len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - self.current_indent, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class CellContext(Context):
    """A command's context whose help is laid out by ``CellHelpFormatter``."""

    formatter_class = CellHelpFormatter
