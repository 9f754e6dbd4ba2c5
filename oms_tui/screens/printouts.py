"""Printing from a screen's worker: PDFs rendered with the company's details and paper
size, all saved in the documents folder, then sent to the printer the ``printer`` setting
names (``printing.deliver_all``); one phrase says where they went. A printer that fails
raises ``printing.PrintFailed``, whose sentence names the files kept. The phrase is the
service's English read back in the clerk's language (``i18n.shown``): the screens put it
in their own sentences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..i18n import shown

# (file name, pdf_of(company, paper size) -> the PDF's bytes)
Document = tuple[str, Callable[[Any, str], bytes]]


def deliver_documents(db: Any, docs: Sequence[Document]) -> str:
    """Render each document, save them all, print them when a printer is set; says where
    they went, in one phrase."""
    from ..reports.common import company_of
    from ..services.platform import printing
    from ..services.platform.settings import get_settings

    settings = get_settings(db)
    company = company_of(settings)
    pdfs = [(name, pdf_of(company, settings.paper)) for name, pdf_of in docs]
    return shown(printing.summary(printing.deliver_all(pdfs, settings.printer)))


def letters_renderer(db: Any) -> Callable[[Sequence[Any]], bytes]:
    """Dunning letters rendered with the company's details and paper size (what
    ``dunning.run_dunning`` saves with the steps it takes)."""
    from ..reports.account_letter import renderer
    from ..reports.common import company_of
    from ..services.platform.settings import get_settings

    settings = get_settings(db)
    return renderer(company_of(settings), settings.paper)


def print_saved(db: Any, path: str, name: str) -> str:
    """Send a saved PDF to the printer the ``printer`` setting names (if any); says where
    it went, in one phrase."""
    from ..services.platform import printing
    from ..services.platform.settings import get_settings

    return shown(str(printing.print_saved(path, name, get_settings(db).printer)))
