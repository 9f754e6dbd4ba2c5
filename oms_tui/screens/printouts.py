"""Printing from a screen's worker: PDFs rendered with the company's details and paper
size, delivered to the printer the ``printer`` setting names, else saved in the documents
folder (``printing.deliver``); one sentence says where they went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# (file name, pdf_of(company, paper size) -> the PDF's bytes)
Document = tuple[str, Callable[[Any, str], bytes]]


def deliver_documents(db: Any, docs: Sequence[Document]) -> str:
    """Render each document and deliver it; says where they went, in one sentence."""
    from ..reports.common import Company
    from ..services.platform.printing import deliver
    from ..services.platform.settings import get_settings

    settings = get_settings(db)
    company = Company(settings.company_name, settings.company_address, settings.company_phone,
                      currency=settings.currency)  # fmt: skip
    done = [deliver(pdf_of(company, settings.paper), name, settings.printer)
            for name, pdf_of in docs]  # fmt: skip
    if all(d.printed for d in done):
        return f"sent to printer {done[0].where}"
    paths = [Path(d.where) for d in done]
    if len(paths) > 1 and len({p.parent for p in paths}) == 1:
        return f"saved as {', '.join(p.name for p in paths)} in {paths[0].parent}"
    return "; ".join(str(d) for d in done)
