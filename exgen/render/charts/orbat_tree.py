"""The order of battle as a tidy tree of unit boxes: each parent centred over its children,
sibling sets wider than the page wrapped into rows hung from a trunk, roots packed in rows, and
deep or huge trees cut at a depth (the cut boxes carry the number of units below them)."""

from __future__ import annotations

import typing as t
from collections import defaultdict

from exgen.render.charts.layout import LEGEND_ROW_H, WIDTH, Data, coord, legend_grid, legend_rows
from exgen.render.charts.text import wrap
from exgen.render.nations import footnotes, nation_label

NODE_W = 128
NODE_H = 130
NODE_GAP_X = 12
NODE_GAP_Y = 40
TRUNK_W = 18
SYMBOL_SIZE = 80
MAX_NODES = 90
ORBAT_MAX_W = WIDTH - 40

Point = tuple[float, float]
Line = tuple[float, float, float, float]


class _Blocks(t.NamedTuple):
    """The tree laid out in blocks: per shown unit its block's size, its own box inside the block,
    its offset inside its parent's block and its connector lines; per root its block's origin."""

    size: dict[str, Point]
    own: dict[str, Point]
    rel: dict[str, Point]
    links: dict[str, list[Line]]
    origin: dict[str, Point]
    full_w: float
    full_h: float


def preorder(units: list[Data]) -> dict[str, int]:
    """Unit id → position in a depth-first walk of the ORBAT (roots and siblings in file order).

    >>> preorder([{"id": "B", "parent": "A"}, {"id": "A"}, {"id": "C", "parent": "A"}, {"id": "D"}])
    {'A': 0, 'B': 1, 'C': 2, 'D': 3}
    """
    kids, roots = _forest(units)
    order: dict[str, int] = {}
    stack = list(reversed(roots))
    while stack:
        ident = stack.pop()
        if ident in order:
            continue
        order[ident] = len(order)
        stack.extend(reversed(kids.get(ident, [])))
    return order


def _forest(units: list[Data]) -> tuple[dict[str, list[str]], list[str]]:
    """Children per unit and the roots; a unit whose parent is unknown, or that sits in a parent
    cycle, becomes a root, so every unit is drawn exactly once."""
    ids = [u["id"] for u in units]
    known = set(ids)
    parent = {u["id"]: u.get("parent") for u in units}
    roots: list[str] = []
    state: dict[str, int] = {}  # 1: on the current walk, 2: settled (reaches a root)
    for ident in ids:
        path = []
        cur = ident
        while cur in known and cur not in state:
            state[cur] = 1
            path.append(cur)
            nxt = parent.get(cur)
            if not nxt or nxt not in known:
                break
            cur = nxt
        if cur in state and state[cur] == 1 and parent.get(cur) in known and parent.get(cur) in path:
            parent[cur] = None  # break the cycle at the unit where the walk closed it
        for p in path:
            state[p] = 2
    kids: dict[str, list[str]] = defaultdict(list)
    for ident in ids:
        p = parent.get(ident)
        if p and p in known and p != ident:
            kids[p].append(ident)
        else:
            roots.append(ident)
    return kids, roots


def orbat(units: list[Data], order: dict[str, int]) -> Data:
    """A tidy tree: each parent centred over its children; sibling sets wider than the page wrap
    into rows hung from a trunk on the left. Deep or huge trees are cut at the deepest level that
    keeps the chart under MAX_NODES boxes, and the cut nodes carry the number of units below them."""
    by_id = {u["id"]: u for u in units}
    kids, roots = _forest(units)
    depth: dict[str, int] = {}
    for r in roots:
        depth[r] = 0
    for ident in sorted(order, key=order.__getitem__):
        for k in kids.get(ident, []):
            depth[k] = depth[ident] + 1
    per_depth: dict[int, int] = defaultdict(int)
    for d in depth.values():
        per_depth[d] += 1
    limit, total = -1, 0
    for d in sorted(per_depth):
        if total + per_depth[d] > MAX_NODES and limit >= 0:
            break
        total += per_depth[d]
        limit = d
    shown_kids = {k: v for k, v in kids.items() if depth.get(k, 0) < limit}
    hidden: dict[str, int] = {}
    for ident in sorted(order, key=order.__getitem__, reverse=True):
        below = sum(1 + hidden.get(k, 0) for k in kids.get(ident, []))
        hidden[ident] = below
    post: list[str] = []
    stack = list(roots)
    while stack:
        ident = stack.pop()
        post.append(ident)
        stack.extend(shown_kids.get(ident, []))
    # Sibling sets of leaves may wrap early (fewer columns, more rows): keep whichever cap gives
    # the shortest chart, the widest cap on a tie.
    best: _Blocks | None = None
    for cap in (None, 6, 4, 3, 2):
        laid = _blocks(post, roots, shown_kids, cap)
        if best is None or laid.full_h < best.full_h:
            best = laid
    assert best is not None
    own, rel, links, origin, full_w, full_h = best.own, best.rel, best.links, best.origin, best.full_w, best.full_h
    margin_x = max(20.0, (WIDTH - full_w) / 2)
    top = 64.0
    nodes: list[Data] = []
    lines_out: list[Data] = []
    todo = [(r, origin[r][0] + margin_x, origin[r][1] + top) for r in reversed(roots)]
    while todo:
        ident, ox, oy = todo.pop()
        bx, by = own[ident]
        unit = by_id[ident]
        nx, ny = ox + bx, oy + by
        name = str(unit.get("short_name") or ident)
        nodes.append({
            "id": ident, "x": coord(nx), "y": coord(ny), "w": NODE_W, "h": NODE_H, "cx": coord(nx + NODE_W / 2),
            "symbol_x": coord(nx + (NODE_W - SYMBOL_SIZE) / 2), "symbol_y": coord(ny + 2),
            "symbol_size": SYMBOL_SIZE, "sidc": str(unit.get("sidc") or ""), "name": name,
            "lines": wrap(name, NODE_W - 10, 12, 2, bold=True),
            "nation": nation_label(str(unit.get("nation") or "")), "callsign": str(unit.get("callsign") or ""),
            "echelon": str(unit.get("echelon") or ""), "role": str(unit.get("role") or ""),
            "depth": depth.get(ident, 0), "hidden": hidden.get(ident, 0) if ident not in shown_kids else 0,
        })
        for x1, y1, x2, y2 in links[ident]:
            lines_out.append({"x1": coord(ox + x1), "y1": coord(oy + y1), "x2": coord(ox + x2), "y2": coord(oy + y2)})
        for k in reversed(shown_kids.get(ident, [])):
            kx, ky = rel[k]
            todo.append((k, ox + kx, oy + ky))
    legend_top = top + full_h + 36
    roles = sorted({n["role"] for n in nodes if n["role"]})
    # "XK*" under a symbol: the chart carries Kosovo's footnote under its legend.
    notes = [line for note in footnotes(str(by_id[n["id"]].get("nation") or "") for n in nodes)
             for line in wrap(note, WIDTH - 40, 9, 3)]
    notes_top = legend_top + 18 + legend_rows(len(roles)) * LEGEND_ROW_H + 4
    height = notes_top + len(notes) * 12 + 26
    return {"width": max(WIDTH, coord(full_w + 40)), "height": coord(height), "nodes": nodes, "links": lines_out,
            "legend_top": legend_top, "role_legend": legend_grid(roles, legend_top + 18), "units": len(units),
            "shown": len(nodes), "depth_limit": limit, "node_w": NODE_W, "node_h": NODE_H,
            "notes": [{"text": line, "y": coord(notes_top + i * 12)} for i, line in enumerate(notes)]}


def _blocks(post: list[str], roots: list[str], shown_kids: dict[str, list[str]], cap: int | None) -> _Blocks:
    """Post-order: a block (w, h) per shown node, its own box and its children's offsets inside it;
    then the roots packed in rows across the page."""
    size: dict[str, Point] = {}
    own: dict[str, Point] = {}
    rel: dict[str, Point] = {}
    links: dict[str, list[Line]] = {}
    for ident in reversed(post):
        children = shown_kids.get(ident, [])
        if not children:
            size[ident], own[ident], links[ident] = (NODE_W, NODE_H), (0.0, 0.0), []
            continue
        leaves = not any(shown_kids.get(k) for k in children)
        w, h, parent, placed, lines = _hang(children, size, own, NODE_H + NODE_GAP_Y, cap if leaves else None)
        size[ident], own[ident], links[ident] = (w, h), parent, lines
        rel.update(placed)
    x, y, row_h = 0.0, 0.0, 0.0
    origin: dict[str, Point] = {}
    for r in roots:
        w, h = size[r]
        if x > 0 and x + w > ORBAT_MAX_W:
            x, y, row_h = 0.0, y + row_h + NODE_GAP_Y, 0.0
        origin[r] = (x, y)
        x += w + NODE_GAP_X * 2
        row_h = max(row_h, h)
    full_w = max((origin[r][0] + size[r][0] for r in roots), default=NODE_W)
    full_h = max((origin[r][1] + size[r][1] for r in roots), default=NODE_H)
    return _Blocks(size, own, rel, links, origin, full_w, full_h)


def _hang(children: list[str], size: dict[str, Point], own: dict[str, Point], top: float,
          cap: int | None = None) -> tuple[float, float, Point, dict[str, Point], list[Line]]:
    """Place a parent's box and its children's blocks: one row centred under the parent, or rows
    hung from a trunk at the left when one row would be wider than the page (or longer than cap).

    Returns the block's width and height, the parent box's position, the children's positions
    and the connector lines, all relative to the block.
    """
    rows: list[list[str]] = [[]]
    width = 0.0
    if all(size[k] == (NODE_W, NODE_H) for k in children):
        # Bare boxes: as many per row as fit (or cap), then rows evened out (6+5, not 10+1).
        fit = max(1, int((ORBAT_MAX_W - TRUNK_W + NODE_GAP_X) // (NODE_W + NODE_GAP_X)))
        per_row = min(fit, cap or fit)
        n_rows = -(-len(children) // per_row)
        cap = -(-len(children) // n_rows)
    for k in children:
        w = size[k][0]
        if rows[-1] and (width + NODE_GAP_X + w > ORBAT_MAX_W - TRUNK_W or (cap and len(rows[-1]) >= cap)):
            rows.append([])
            width = 0.0
        width += (NODE_GAP_X if rows[-1] else 0) + w
        rows[-1].append(k)
    placed: dict[str, Point] = {}
    lines: list[Line] = []
    if len(rows) == 1:
        x = 0.0
        centres = []
        for k in rows[0]:
            placed[k] = (x, top)
            centres.append(x + _own_cx(k, own))
            x += size[k][0] + NODE_GAP_X
        span_w = x - NODE_GAP_X
        pcx = (centres[0] + centres[-1]) / 2
        shift = max(0.0, NODE_W / 2 - pcx)
        pcx += shift
        for k in rows[0]:
            placed[k] = (placed[k][0] + shift, top)
        centres = [c + shift for c in centres]
        w = max(span_w + shift, pcx + NODE_W / 2)
        h = top + max(size[k][1] for k in rows[0])
        bus = top - NODE_GAP_Y / 2
        lines.append((pcx, NODE_H, pcx, bus))
        if len(centres) > 1 or centres[0] != pcx:
            lines.append((min(centres[0], pcx), bus, max(centres[-1], pcx), bus))
        for c in centres:
            lines.append((c, bus, c, top))
        return w, h, (pcx - NODE_W / 2, 0.0), placed, lines
    trunk = TRUNK_W / 2
    y = top
    w = 0.0
    first_centres: list[float] = []
    buses = []
    for row in rows:
        x = float(TRUNK_W)
        centres = []
        for k in row:
            placed[k] = (x, y)
            centres.append(x + _own_cx(k, own))
            x += size[k][0] + NODE_GAP_X
        w = max(w, x - NODE_GAP_X)
        bus = y - NODE_GAP_Y / 2
        buses.append(bus)
        lines.append((trunk, bus, centres[-1], bus))
        for c in centres:
            lines.append((c, bus, c, y))
        if not first_centres:
            first_centres = centres
        y += max(size[k][1] for k in row) + NODE_GAP_Y
    pcx = (first_centres[0] + first_centres[-1]) / 2
    lines.append((pcx, NODE_H, pcx, buses[0]))
    lines.append((trunk, buses[0], trunk, buses[-1]))
    return w, y - NODE_GAP_Y, (pcx - NODE_W / 2, 0.0), placed, lines


def _own_cx(ident: str, own: dict[str, Point]) -> float:
    """Centre x of a child's own box inside its block (its parent connector lands there)."""
    return own[ident][0] + NODE_W / 2
