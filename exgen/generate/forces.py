"""What the order of battle says about recipients: who is trained, who reports to whom, who fits a pattern.

A unit's superior (``higher``) is its ``parent``; failing that, the first unit of a PACE plan
that lists it second (plans are written superior first, ``between: [MNB-HQ, ME-1BN]``).
"""

from __future__ import annotations

import functools
import typing as t

if t.TYPE_CHECKING:
    from exgen.generate.library import Pattern
    from exgen.model import Exercise, Unit

AUDIENCE = "training-audience"


class Forces:
    """Recipient facts over a built model of the brief's forces."""

    def __init__(self, model: Exercise) -> None:
        self.model = model
        #: Training-audience unit ids, in definition order.
        self.audience: tuple[str, ...] = tuple(dict.fromkeys(u.id for u in model.units if u.role == AUDIENCE))

    def unit(self, uid: str) -> Unit:
        found = self.model.unit(uid)
        assert found is not None, uid
        return found

    @functools.cache  # noqa: B019 - one Forces per generation run
    def higher(self, uid: str) -> str | None:
        """The unit ``uid`` reports to, or None at the top."""
        unit = self.model.unit(uid)
        if unit is None:
            return None
        if unit.parent and unit.parent != uid and self.model.unit(unit.parent) is not None:
            return unit.parent
        for plan in self.model.pace:
            if plan.between[1] == uid and plan.between[0] != uid and self.model.unit(plan.between[0]):
                return plan.between[0]
        return None

    def higher2(self, uid: str) -> str | None:
        """The superior's superior (None at the top or in a loop)."""
        first = self.higher(uid)
        second = self.higher(first) if first else None
        return second if second not in (None, uid, first) else None

    def subordinates(self, uid: str) -> list[str]:
        """Training-audience units whose parent is ``uid``."""
        return [u for u in self.audience if self.unit(u).parent == uid]

    def fits(self, pattern: Pattern, uid: str) -> bool:
        """True when ``pattern`` suits unit ``uid`` as its recipient."""
        unit = self.model.unit(uid)
        if unit is None or unit.role not in pattern.roles:
            return False
        if pattern.categories and (unit.category or "military") not in pattern.categories:
            return False
        if pattern.echelons and (unit.echelon or "none") not in pattern.echelons:
            return False
        up = self.higher(uid)
        if pattern.sender == "higher":
            # Orders from above come from a superior EXCON plays, never from a trained headquarters.
            return up is not None and self.unit(up).role != AUDIENCE
        return not (pattern.needs_higher and up is None)

    def recipients(self, pattern: Pattern, among: t.Iterable[str] | None = None) -> list[str]:
        """Training-audience units (optionally only ``among``) the pattern suits, in definition order."""
        pool = self.audience if among is None else [u for u in self.audience if u in set(among)]
        return [u for u in pool if self.fits(pattern, u)]

    def short(self, uid: str) -> str:
        """A unit's short name, else its name."""
        unit = self.unit(uid)
        return unit.short_name or unit.name

    def nations(self) -> list[str]:
        """Nations of the training audience, sorted."""
        return sorted({self.unit(u).nation for u in self.audience})

    def languages(self, nation: str) -> list[str]:
        """Languages spoken by the units of ``nation``, most-used order of appearance."""
        return list(dict.fromkeys(lang for u in self.model.units if u.nation == nation for lang in u.languages))

    def bearer_class(self, net_id: str) -> str:
        """``civil`` for a net a civil provider or operator runs, else ``military``.

        Civil: it rides a bearer that names a provider, or it is a mobile or wired network whose net
        control (or, without one, every member) is not a military unit.
        """
        net = self.model.net(net_id)
        if net is None:
            return "military"
        bearer = next((b for b in self.model.bearers if b.id == net.bearer), None) if net.bearer else None
        if bearer is not None and bearer.provider:
            return "civil"
        if net.band in ("cellular", "wired"):
            control = [net.net_control] if net.net_control else list(net.members)
            units = [self.model.unit(u) for u in control]
            if units and all(u is not None and (u.category or "military") != "military" for u in units):
                return "civil"
        return "military"

    def suits_net(self, pattern: Pattern, net_id: str) -> bool:
        """True when a trigger pattern's wording fits net ``net_id``: its kind of network, band and crypto."""
        net = self.model.net(net_id)
        if self.bearer_class(net_id) not in pattern.bearers:
            return False
        if pattern.bands and (net is None or net.band not in pattern.bands):
            return False
        return not (pattern.encrypted and (net is None or not net.crypto))
