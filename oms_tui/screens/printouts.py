"""Printing from a screen's worker: PDFs rendered with the company's details and paper
size, all saved in the documents folder, then sent to the printer the ``printer`` setting
names (``printing.deliver_all``); one phrase says where they went. A printer that fails
raises ``printing.PrintFailed``, whose sentence names the files kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# (file name, pdf_of(company, paper size) -> the PDF's bytes)
Document = tuple[str, Callable[[Any, str], bytes]]


def deliver_documents(db: Any, docs: Sequence[Document]) -> str:
    """Render each document, save them all, print them when a printer is set; says where
    they went, in one phrase."""
    from ..reports.common import Company
    from ..services.platform import printing
    from ..services.platform.settings import get_settings

    settings = get_settings(db)
    company = Company(settings.company_name, settings.company_address, settings.company_phone,
                      currency=settings.currency)  # fmt: skip
    pdfs = [(name, pdf_of(company, settings.paper)) for name, pdf_of in docs]
    return printing.summary(printing.deliver_all(pdfs, settings.printer))
