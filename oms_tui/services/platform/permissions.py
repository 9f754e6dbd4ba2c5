"""Who may do what: one table of permissions by role, and the check every service entry
point declares.

Read ``MATRIX`` as the answer to "may a warehouse clerk record a payment?": a row per
permission, a column per role, ``x`` where the role has it. Services declare what they
need with ``@requires(permission)`` (the acting user's role is looked up in the database
on every call: an unknown, disabled or wrong-role user is refused with ``NotPermitted``,
whatever the screen showed), or ``@anyone(why)`` for reads and automatic work that any
signed-in user may do. Whichever it declares, a function that records an acting user
(its ``actor``) runs only for an active user of the database: ``@anyone`` and
``unchecked`` check that much, in one place (``_guarded``), so no writer records a name
nobody has. ``tests/services/test_permissions.py`` walks every public service function
taking a database and fails on one that declares neither, and calls every one that takes
an actor as an unknown and as a disabled user.

Screens and the palette ask ``allowed(role, permission)`` to hide what the user may not
do; the service refuses it anyway.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TypeVar

from ...i18n import N_, _, pgettext
from .errors import OmsError

# The roles, from the order desk to the back office (issue 17).
ROLES = ("clerk", "auditor", "warehouse", "production", "finance", "manager", "admin")


def role_names() -> dict[str, str]:
    """Each role's name in the current language (its code in English: what ``--role``
    takes). In a context of its own: "production" the role is not the document kind."""
    return {"clerk": pgettext("role", "clerk"), "auditor": pgettext("role", "auditor"),
            "warehouse": pgettext("role", "warehouse"),
            "production": pgettext("role", "production"),
            "finance": pgettext("role", "finance"), "manager": pgettext("role", "manager"),
            "admin": pgettext("role", "admin")}  # fmt: skip


# fmt: off
MATRIX = (
    "\n"  # i18n: no (the table _parse reads, of codes: no words for a person)
    """permission            clerk auditor warehouse production finance manager admin
orders.view             x     x        x          x         x       x      x
orders.enter            x                                           x      x
orders.import           x                                           x      x
orders.cancel                 x                                     x      x
orders.audit                  x                                     x      x
orders.override                                                     x      x
customers.view          x     x        x          x         x       x      x
customers.contact       x     x        x                    x       x      x
customers.edit          x                                   x       x      x
catalog.edit                                                        x      x
prices.override                                                     x      x
stock.view              x     x        x          x         x       x      x
stock.move                             x                            x      x
stock.plan                             x                            x      x
dispatch.ship                          x                            x      x
vans.run                               x                            x      x
vans.settle                                                 x       x      x
production.view         x     x        x          x         x       x      x
production.advance                                x                 x      x
production.plan                                   x                 x      x
finance.view                                                x       x      x
payments.record                                             x       x      x
credit.manage                                               x       x      x
credit.release                                                      x      x
dunning.run                                                 x       x      x
reports.view                                                x       x      x
settings.change                                                            x
users.manage                                                               x
backup.run                                                                 x
"""
)
# fmt: on

# What each permission lets one do, for `oms user permissions` and docs/security.md.
MEANINGS = {
    "orders.view": N_("see orders and search them"),
    "orders.enter": N_("take orders: enter, edit own drafts, templates, standing orders"),
    "orders.import": N_("import orders from files and web shops"),
    "orders.cancel": N_("cancel an order that has been submitted"),
    "orders.audit": N_("audit orders: approve, hold, reject, send back"),
    "orders.override": N_("override: release holds, approve past a failed check"),
    "customers.view": N_("see customers (phones and addresses masked without contact)"),
    "customers.contact": N_("see customers' full phone numbers and addresses"),
    "customers.edit": N_("add and change customers, their phones, addresses, invoicing"),
    "catalog.edit": N_("change products, prices and price lists"),
    "prices.override": N_("give a discount over the limit or change a price on an order"),
    "stock.view": N_("see stock levels, moves and stock cards"),
    "stock.move": N_("receive, transfer, adjust and count stock"),
    "stock.plan": N_("set reorder points and ranks"),
    "dispatch.ship": N_("pick, pack and ship; tracking"),
    "vans.run": N_("plan and run own-van deliveries"),
    "vans.settle": N_("settle the cash a driver collected"),
    "production.view": N_("see production orders and the board"),
    "production.advance": N_("advance production stages, record materials"),
    "production.plan": N_("plan production: routes, capacity, dates"),
    "finance.view": N_("see receivables, invoices, statements and aging"),
    "payments.record": N_("record payments and credit notes"),
    "credit.manage": N_("set credit limits and terms; apply credit"),
    "credit.release": N_("release a customer's credit hold"),
    "dunning.run": N_("run dunning and print reminder letters"),
    "reports.view": N_("see sales, margin and customer reports"),
    "settings.change": N_("change the company's settings"),
    "users.manage": N_("add users, set their roles, disable them"),
    "backup.run": N_("back up and restore the database"),
}


def _parse(matrix: str) -> dict[str, frozenset[str]]:
    lines = [line.split() for line in matrix.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    assert tuple(header) == ROLES, "the matrix's columns are the roles, in order"  # i18n: no
    columns = [matrix.strip().splitlines()[0].index(role) for role in header]
    table: dict[str, frozenset[str]] = {}
    for raw, words in zip(matrix.strip().splitlines()[1:], rows, strict=True):
        marks = {role for role, at in zip(header, columns, strict=True)
                 if raw[at:at + len(role)].strip() == "x"}  # fmt: skip
        assert len(marks) == raw.count("x"), f"a mark out of its column: {words[0]}"  # i18n: no
        table[words[0]] = frozenset(marks)
    return table


PERMISSIONS: dict[str, frozenset[str]] = _parse(MATRIX)  # permission -> roles that have it
assert set(PERMISSIONS) == set(MEANINGS), "every permission says what it allows"  # i18n: no


def allowed(role: str | None, permission: str) -> bool:
    """Whether ``role`` has ``permission`` (an unknown permission is a programming error)."""
    return role in PERMISSIONS[permission]


def role_name(role: str) -> str:
    """A role as people call it, in the current language (its code when unknown)."""
    return role_names().get(role, role)


def permissions_of(role: str) -> list[str]:
    return [p for p, roles in PERMISSIONS.items() if role in roles]


class NotPermitted(OmsError):
    """The acting user may not do this: unknown, disabled, or their role lacks it."""


# The names the acting user goes by in services' signatures.
ACTOR_PARAMETERS = ("actor",)
F = TypeVar("F", bound=Callable[..., object])


def role_of(db: object, actor: str) -> str:
    """The acting user's role; ``NotPermitted`` for a name that is no user or is disabled."""
    from sqlmodel import select

    from ...models import User

    with db.read() as session:  # type: ignore[attr-defined]
        row = session.exec(select(User.role, User.active).where(User.name == actor)).first()
    if row is None:
        raise NotPermitted(
            _(
                "{user} is not a user of this database: an admin adds them "
                "with `oms user add {user} --role ROLE`"
            ).format(user=actor)
        )
    if not row[1]:
        raise NotPermitted(_("{user} is disabled in this database").format(user=actor))
    return str(row[0])


def check(db: object, actor: str, permission: str) -> str:
    """Refuse unless ``actor`` is an active user whose role has ``permission``; their role."""
    role = role_of(db, actor)
    if not allowed(role, permission):
        raise NotPermitted(_("{user} ({role}) may not {what}: ask someone who may ({roles})")
                           .format(user=actor, role=role_name(role),
                                   what=_(MEANINGS[permission]),
                                   roles=", ".join(role_name(r) for r in ROLES
                                                   if allowed(r, permission))))  # fmt: skip
    return role


def _guarded(function: F, permission: str | None) -> F:
    """``function`` checking its acting user before it runs: an active user of the database
    whose role has ``permission`` (``None``: any role). A function without an acting user
    (a read, automatic work that records nobody) is returned as it is."""
    signature = inspect.signature(function)
    names = [n for n in ACTOR_PARAMETERS if n in signature.parameters]
    if not names or "db" not in signature.parameters:
        return function
    actor_name = names[0]

    @functools.wraps(function)
    def checked(*args: object, **kwargs: object) -> object:
        bound = signature.bind(*args, **kwargs)
        db, actor = bound.arguments["db"], str(bound.arguments[actor_name])
        if permission is None:
            role_of(db, actor)
        else:
            check(db, actor, permission)
        return function(*args, **kwargs)

    return checked  # type: ignore[return-value]


def requires(permission: str) -> Callable[[F], F]:
    """Declare and check: the function's ``db`` and acting user must have ``permission``."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}: add it to MATRIX")  # i18n: no

    def declare(function: F) -> F:
        signature = inspect.signature(function)
        assert "db" in signature.parameters and any(
            n in signature.parameters for n in ACTOR_PARAMETERS
        ), f"{function.__qualname__}: @requires needs parameters db and actor"  # i18n: no
        checked = _guarded(function, permission)
        checked.__permission__ = permission  # type: ignore[attr-defined]
        return checked

    return declare


def anyone(why: str) -> Callable[[F], F]:
    """Declare that any user may call this (a read, or work done on everyone's behalf, as
    the daily backup); ``why`` says so where it is read. A function that takes an acting
    user (``actor``) records what it does as theirs, so the actor must still be an active
    user of the database (``NotPermitted`` for an unknown or disabled name), whatever their
    role; a function without one (a read, automatic work) is not checked."""

    def declare(function: F) -> F:
        checked = _guarded(function, None)
        checked.__permission__ = f"anyone: {why}"  # type: ignore[attr-defined]
        return checked

    return declare


def unchecked(function: F) -> F:
    """``function`` without its own permission check, for a service that runs another's entry
    point as one step of an action checked under its own permission: settling a van run
    (``vans.settle``) ships what was delivered without the settler needing ``dispatch.ship``.
    The acting user must still be an active user of the database (as ``anyone``)."""
    return _guarded(inspect.unwrap(function), None)  # type: ignore[arg-type]
