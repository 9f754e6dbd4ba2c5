"""The language of the documents a customer is sent: packing lists, labels, dunning letters
and statements (issue 18). The customer's own (``customer.language``), else the company's
setting ``language``, else both languages (``i18n.document_words``)."""

from __future__ import annotations

from sqlmodel import Session, select

from ...i18n import LANGUAGES, N_, normalise
from ...models import Customer
from ..platform.change_log import record_change
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings


def document_language(customer_language: str, company_language: str) -> str:
    """The language a customer's documents are printed in: theirs, else the company's;
    "" for both."""
    return normalise(customer_language) or normalise(company_language) or ""


def document_language_in(session: Session, customer_language: str) -> str:
    return document_language(customer_language, load_settings(session).language)


@anyone(
    "a customer's document language is no secret: "  # i18n: no
    "it decides how their papers print"
)
def customer_language(db: Database, code: str) -> tuple[str, str]:
    """The customer's own choice ("" when none) and the language their documents print in."""
    with db.read() as session:
        customer = _customer(session, code)
        return customer.language, document_language_in(session, customer.language)


@requires("customers.edit")
def set_customer_language(db: Database, actor: str, code: str, language: str) -> str:
    """Print this customer's documents in ``language`` (zh_CN, en; "" or ``default``: the
    company's). Returns what is stored; the change goes to the change log."""
    wanted = language.strip()
    chosen = "" if wanted in ("", "default") else normalise(wanted)
    if chosen is None:
        raise InvalidInput(N_("language '{language}': use {languages} or default").format(
            language=language, languages=", ".join(LANGUAGES)), "language")  # fmt: skip
    with db.write() as session:
        customer = _customer(session, code)
        record_change(session, actor, "customer", customer.code, "language",
                      customer.language, chosen)  # fmt: skip
        customer.language = chosen
        session.add(customer)
    return chosen


def _customer(session: Session, code: str) -> Customer:
    found = session.exec(select(Customer).where(Customer.code == code.strip().upper())).first()
    if found is None:
        raise NotFound(N_("no customer {code}").format(code=code))
    return found
