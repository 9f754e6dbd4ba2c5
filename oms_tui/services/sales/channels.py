"""Sales channels: the shop's own list of where orders come from.

A shop sells on several web shops and through several dealers, so a channel is a row: a
name of the shop's choosing (``taobao-main``, ``jd-outlet``, ``dealer-wuhan``), one of the
fixed kinds below, and the import profile its files are read with by default. An order's
``channel`` holds the name, so two web shops' order 12345 are two orders (imports key on
channel + external order id). One channel per kind, named after it, is always there (the
migration made them): order entry's phone, walk-in, ... and the standing orders use those.
Names are not renamed once orders carry them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import SalesChannel
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.permissions import anyone, requires

KINDS = ("phone", "walk_in", "ecommerce", "dealer", "key_account", "standing")
MAX_NAME = 24  # sales_order.channel
_NAME = re.compile(r"[^\s,:;'\"]+")  # one word: the search line's ``ch:NAME`` reads it


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str
    default_profile: str  # the import profile its files are read with ("": oms)

    @property
    def profile(self) -> str:
        return self.default_profile or "oms"


def normalise_name(text: str) -> str:
    return text.strip().lower()


def _view(row: SalesChannel) -> Channel:
    return Channel(row.name, row.kind, row.default_profile)


def _ordered(rows: Iterable[SalesChannel]) -> list[Channel]:
    """By kind (in ``KINDS`` order), the kind's own channel first, then by name."""
    rank = {k: n for n, k in enumerate(KINDS)}
    return sorted(
        (_view(r) for r in rows),
        key=lambda c: (rank.get(c.kind, len(KINDS)), c.name != c.kind, c.name),
    )


def channels_in(session: Session) -> list[Channel]:
    return _ordered(session.exec(select(SalesChannel)).all())


@anyone("a read: the sales channels")  # i18n: no
def list_channels(db: Database) -> list[Channel]:
    """Every channel, by kind, each kind's own channel first."""
    with db.read() as session:
        return channels_in(session)


def unknown_channel(name: str, known: Iterable[Channel]) -> InvalidInput:
    """The refusal of a name that is no channel: the channels there are, and how to add one."""
    names = ", ".join(c.name for c in known)
    return InvalidInput(N_("unknown channel '{name}'; channels: {names}; add one: oms channel "
                           "add NAME --kind KIND ({kinds})").format(
        name=name.strip(), names=names, kinds=", ".join(KINDS)), "channel")  # fmt: skip


def channel_in(session: Session, name: str) -> Channel:
    """The channel called ``name`` (any case); refused with the list when there is none."""
    row = session.exec(select(SalesChannel).where(SalesChannel.name == normalise_name(name))
                       ).first()  # fmt: skip
    if row is None:
        raise unknown_channel(name, channels_in(session))
    return _view(row)


@anyone("a read: a sales channel")  # i18n: no
def get_channel(db: Database, name: str) -> Channel:
    with db.read() as session:
        return channel_in(session, name)


def check_channels_in(session: Session, names: Iterable[str]) -> None:
    """Every name is a channel (one query), else the first that is not is refused."""
    wanted = set(names)
    found = set(session.exec(select(SalesChannel.name)
                             .where(col(SalesChannel.name).in_(wanted))).all())  # fmt: skip
    for name in sorted(wanted - found):
        raise unknown_channel(name, channels_in(session))


def names_for(session: Session, word: str) -> list[str]:
    """The channels a search word means: the channel of that name and every channel of that
    kind (``ecommerce``: the kind's own channel and each web shop)."""
    w = normalise_name(word)
    return sorted(session.exec(select(SalesChannel.name).where(
        (SalesChannel.name == w) | (SalesChannel.kind == w))).all())  # fmt: skip


@requires("settings.change")
def add_channel(db: Database, actor: str, name: str, kind: str, default_profile: str = ""
                ) -> Channel:  # fmt: skip
    """A new channel of one of the ``KINDS``; its name is one word, unique (any case)."""
    clean = normalise_name(name)
    if not clean:
        raise InvalidInput(N_("give the channel a name, e.g. taobao-main"), "name")
    if not _NAME.fullmatch(clean) or len(clean) > MAX_NAME:
        raise InvalidInput(N_("a channel's name is one word of up to {n} characters (no spaces, "
                              "commas or quotes), e.g. taobao-main").format(n=MAX_NAME),
                           "name")  # fmt: skip
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise InvalidInput(N_("unknown kind '{kind}'; one of {kinds}").format(
            kind=kind, kinds=", ".join(KINDS)), "kind")  # fmt: skip
    with db.write() as session:
        taken = session.exec(select(SalesChannel).where(SalesChannel.name == clean)).first()
        if taken is not None:
            raise InvalidInput(N_("there is a channel {name} already ({kind})").format(
                name=clean, kind=taken.kind), "name")  # fmt: skip
        row = SalesChannel(name=clean, kind=kind, default_profile=default_profile.strip(),
                           created_by=actor)  # fmt: skip
        session.add(row)
        session.flush()
        return _view(row)
