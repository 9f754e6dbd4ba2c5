"""A customer's Chinese invoicing (fapiao) data: the invoice title (发票抬头), the taxpayer
id (纳税人识别号), bank and account, and which VAT invoice they need: a normal one
(普通发票) or a special one (专用发票, which lets a business deduct the input VAT and must
carry its taxpayer id: the audit warns when it is missing, ``sales/audit_checks.py``).

The fapiao itself is issued outside oms, in the tax system; its number and date are
recorded on our invoice (``finance/fapiao.py``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlmodel import select

from ...i18n import N_
from ...models import Customer
from ..platform.change_log import record_change
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires

NORMAL, SPECIAL = "normal", "special"
INVOICE_TYPES = (NORMAL, SPECIAL)
# what people write for each type, in a file or a field
_TYPE_WORDS = {
    "normal": NORMAL, "普通": NORMAL, "普票": NORMAL, "普通发票": NORMAL,
    "增值税普通发票": NORMAL, "": NORMAL,
    "special": SPECIAL, "专用": SPECIAL, "专票": SPECIAL, "专用发票": SPECIAL,
    "增值税专用发票": SPECIAL, "vat special": SPECIAL,  # i18n: no (as people write it)
}  # fmt: skip
TYPE_WORDS_ZH = {NORMAL: "普通", SPECIAL: "专用"}

# The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from these
# 31, the last a check character; older taxpayer ids had 15, 17 or 20 digits and letters.
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_OLD_FORM = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{17}|[0-9A-Z]{20}")


@dataclass(frozen=True)
class Invoicing:
    invoice_title: str = ""
    taxpayer_id: str = ""
    bank_name: str = ""
    bank_account: str = ""
    invoice_type: str = NORMAL

    def checked(self) -> Invoicing:
        """The same data tidied (spaces, letter case, the type's word), or ``InvalidInput``
        on the field that is wrong."""
        return Invoicing(
            invoice_title=self.invoice_title.strip(),
            taxpayer_id=check_taxpayer_id(self.taxpayer_id),
            bank_name=self.bank_name.strip(),
            bank_account=" ".join(self.bank_account.split()),
            invoice_type=invoice_type_of(self.invoice_type),
        )

    def columns(self) -> dict[str, str]:
        return asdict(self)


def invoice_type_of(text: str) -> str:
    """``normal`` or ``special`` from what was typed (普通 / 专用, 普票 / 专票 ...)."""
    word = " ".join(text.strip().lower().split())
    if word not in _TYPE_WORDS:
        raise InvalidInput(N_("invoice type '{type}': use normal (普通) or special (专用)")
                           .format(type=text), "invoice_type")  # fmt: skip
    return _TYPE_WORDS[word]


def check_taxpayer_id(text: str) -> str:
    """A taxpayer id as stored (upper case, no spaces); blank is allowed (a private person).
    An 18-character id is a unified social credit code and its check character must
    match; 15, 17 or 20 letters and digits are older ids, taken as they are."""
    code = "".join(text.split()).upper()
    if not code:
        return ""
    if len(code) == 18:
        if any(ch not in _CODE_CHARS for ch in code):
            raise InvalidInput(N_("taxpayer id {id}: a character that no such id has")
                               .format(id=code), "taxpayer_id")  # fmt: skip
        total = sum(_CODE_CHARS.index(ch) * w for ch, w in zip(code, _WEIGHTS, strict=False))
        if _CODE_CHARS[(31 - total % 31) % 31] != code[17]:
            raise InvalidInput(N_("taxpayer id {id}: the check character does not match "
                                  "(a typing slip?)").format(id=code), "taxpayer_id")  # fmt: skip
        return code
    if not _OLD_FORM.fullmatch(code):
        raise InvalidInput(N_("taxpayer id {id}: 18 letters and digits (15, 17 or 20 for older "
                              "ids)").format(id=code), "taxpayer_id")  # fmt: skip
    return code


@anyone("a read: a customer's invoicing data")  # i18n: no
def get_invoicing(db: Database, code: str) -> Invoicing:
    with db.read() as session:
        c = _customer(session, code)
        return Invoicing(c.invoice_title, c.taxpayer_id, c.bank_name, c.bank_account,
                         c.invoice_type)  # fmt: skip


@requires("customers.edit")
def set_invoicing(db: Database, actor: str, code: str, data: Invoicing) -> Invoicing:
    """Store a customer's invoicing data (checked first), each field changed in the change
    log; returns it as stored."""
    data = data.checked()
    with db.write() as session:
        c = _customer(session, code)
        for name, value in data.columns().items():
            record_change(session, actor, "customer", c.code, name, getattr(c, name), value)
            setattr(c, name, value)
        session.add(c)
    return data


def _customer(session, code: str) -> Customer:  # noqa: ANN001
    c = session.exec(select(Customer).where(Customer.code == code.strip().upper())).first()
    if c is None:
        raise NotFound(N_("no customer {code}").format(code=code))
    return c
