"""Seeds per entity: randomness keyed by (seed, kind, id), never one shared stream.

Adding an inject must not rename every role player, so every random choice about an entity
draws from a generator seeded by :func:`entity_seed` for that entity alone.
"""

from __future__ import annotations

import hashlib


def entity_seed(seed: int, kind: str, ident: str) -> int:
    """A stable 64-bit seed for one entity: sha256 of ``seed:kind:ident`` (never ``hash()``).

    >>> entity_seed(1, "unit", "ME-1BN") == entity_seed(1, "unit", "ME-1BN")
    True
    """
    key = f"{seed}:{kind}:{ident}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")
