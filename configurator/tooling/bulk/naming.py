"""Naming the bulk checker's findings: every row's (severity, code, rule, ingredients) keys,
as ``compare`` needs them, computed block by block over arrays (issue 19).

A finding is emitted as a *block*: the rows it fires on and a spec saying how to name it:

=================================  ===============================================
``("const", key)``                  the same key for every row
``("col", keys, cols)``             one key per (row, column): ``keys[column]``, or a
                                    :class:`Solubility` (the row's base and the column)
``("live", sev, code, rid, cols)``  the row's live ingredients among ``cols`` (sorted),
                                    in column order
``("incompat", sev, rid, a, b)``    the live ones of ``a``, then those of ``b``, each name
                                    once
``("label", rid, members)``         the members the row lists (even at 0 %), in the
                                    rule's order
``("base", keys)``                  ``keys[the row's base]``
``("oil", bases, names, oil)``      the base's oil-phase room: the row's oil-phase
                                    additions, in the order added
``("order", cid, cols)``            the live ones of ``cols`` in the row's order
``("dyn", fn)``                     ``fn(row)``, a :class:`Row` (any other naming)
=================================  ===============================================

Each spec has its meaning written once, per row, in :func:`row_key` (the walk the engine
does); the vectorized namers give the same keys for rows listing each column once, and
the rows listing a column twice (which compose never makes) are named by :func:`row_key`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .compose import Designs, Key


@dataclass
class Row:
    """What a finding's ingredient list needs of one design (the per-row walk)."""

    order: list[int]  # the composition's columns, in the engine's order
    live: set[int]
    listed: set[int]
    added: list[int]
    base: int


def row_of(d: Designs, i: int) -> Row:
    m = len(d.cols)
    ids = d.pres_ids[i].tolist()
    vals = d.pres_vals[i].tolist()
    order = [c for c in ids if c < m]
    return Row(order, {c for c, v in zip(ids, vals, strict=True) if c < m and v > 0},
               set(order), [c for c in d.add_ids[i].tolist() if c < m], int(d.base[i]))


@dataclass(frozen=True)
class Solubility:
    """The key of a solubility finding: the row's base and the ingredient."""

    bases: list
    names: list[str]

    def key(self, base: int, c: int) -> Key:
        return ("error", "solubility", f"base-{self.bases[base].id}", (self.names[c],))

    def __call__(self, row: Row, c: int) -> Key:
        return self.key(row.base, c)


def row_key(spec: tuple, row: Row, c: int, names: list[str]) -> Key:
    """One finding's key, walking one row (the definition of each spec)."""
    kind = spec[0]
    if kind == "const":
        return spec[1]
    if kind == "col":
        keys = spec[1]
        return keys(row, c) if callable(keys) else keys[c]
    if kind == "live":
        _k, sev, code, rid, cols = spec
        return (sev, code, rid, tuple(names[x] for x in cols.tolist() if x in row.live))
    if kind == "incompat":
        _k, sev, rid, first, second = spec
        a = [names[x] for x in first.tolist() if x in row.live]
        b = [names[x] for x in second.tolist() if x in row.live]
        return (sev, "incompatible", rid, tuple(dict.fromkeys(a + b)))
    if kind == "label":
        _k, rid, members = spec
        return ("info", "label-warning", rid,
                tuple(names[x] for x in members.tolist() if x in row.listed))
    if kind == "base":
        return spec[1][row.base]
    if kind == "oil":
        _k, bases, nm, oil = spec
        return ("error", "base-capacity", f"base-{bases[row.base].id}-oil",
                tuple(nm[x] for x in row.added if oil[x]))
    if kind == "order":
        _k, cid, cols = spec
        members = set(cols.tolist())
        return ("error", "constraint", f"constraint-{cid}",
                tuple(names[x] for x in row.order if x in members and x in row.live))
    if kind == "dyn":
        return spec[1](row)
    raise ValueError(f"unknown finding spec {kind!r}")


class KeyTable:
    """Distinct keys, each with a number. Shared by two runs (``keys(table)``), equal keys
    of both are the same tuple objects, so comparing two rows' lists is mostly identity."""

    def __init__(self):
        self.keys: list[Key] = []
        self.index: dict[Key, int] = {}
        self._order: list[int] = []  # the numbers of keys[:len(_order)], sorted by key

    def order(self) -> list[int]:
        """Every key's number, sorted by key. Kept between calls: a table shared by two runs
        sorts the second run's new keys alone and merges them in (two sorted runs: timsort
        merges them in about one comparison a key instead of log n)."""
        keys, done = self.keys, self._order
        if len(done) < len(keys):
            new = sorted(range(len(done), len(keys)), key=keys.__getitem__)
            self._order = sorted(done + new, key=keys.__getitem__) if done else new
        return self._order

    def id(self, key: Key) -> int:
        got = self.index.get(key)
        if got is None:
            got = self.index[key] = len(self.keys)
            self.keys.append(key)
        return got

    def ids(self, keys: list[Key]) -> list[int]:
        index, table = self.index, self.keys
        got = list(map(index.get, keys))  # (a tuple's hash is not kept: each key hashed once
        if None in got:                   # here, and a new one once more)
            add = index.setdefault
            for j, k in enumerate(keys):
                if got[j] is None:
                    new = len(table)
                    got[j] = add(k, new)
                    if got[j] == new:
                        table.append(k)
        return got


def _ranked(nrows: int, rr: np.ndarray, rank: np.ndarray, cc: np.ndarray,
            names: np.ndarray, prefix: Callable[[int], tuple], t: KeyTable, once: bool = False,
            group: np.ndarray | None = None) -> np.ndarray:
    """Each row's key from its hits (row, rank, column): ``prefix(g) + (names,)``, the names
    of its columns in rank order (``once``: each name once), ``g`` the row's ``group`` (0
    without). ``names`` is an object array. Rows hitting the same columns in the same group
    share one key, built once."""
    kid = np.empty(nrows, np.int64)
    cnt = np.bincount(rr, minlength=nrows)
    # by row, then rank: one stable sort of one number (as lexsort, in one pass)
    o = np.argsort(rr * (int(rank.max()) + 1 if len(rank) else 1) + rank, kind="stable")
    cs = cc[o].astype(np.int64)
    start = np.zeros(nrows + 1, np.int64)
    np.cumsum(cnt, out=start[1:])
    base = int(cs.max()) + 2 if len(cs) else 2
    g = np.zeros(nrows, np.int64) if group is None else group.astype(np.int64)
    gmax = int(g.max()) + 1 if len(g) else 1
    for k in np.unique(cnt).tolist():  # k hits: rows naming the same columns share a key
        rows = np.nonzero(cnt == k)[0]
        if k <= 4 and gmax * base ** k < 2 ** 62:  # (group, columns) as one number
            code = g[rows]
            for j in range(k):
                code = code * base + cs[start[rows] + j]
            _u, first, inv = np.unique(code, return_index=True, return_inverse=True)
        else:  # as a row of a matrix
            mat = np.stack([g[rows]] + [cs[start[rows] + j] for j in range(k)], axis=1)
            _u, first, inv = np.unique(mat, axis=0, return_index=True, return_inverse=True)
        ru = rows[first]
        if k == 0:
            tuples = [()] * len(ru)
        else:
            tuples = list(zip(*[names[cs[start[ru] + j]].tolist() for j in range(k)],
                              strict=True))
            if once and k > 1:
                tuples = [tuple(dict.fromkeys(x)) for x in tuples]
        keys = [prefix(gv) + (x,) for gv, x in zip(g[ru].tolist(), tuples, strict=True)]
        kid[rows] = np.array(t.ids(keys), np.int64)[inv.reshape(-1)]
    return kid


def _hits(pid: np.ndarray, ok: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, ...]:
    """(row, position in ``cols`` (sorted), column) of the entries ``ok`` naming a column of
    ``cols``."""
    pos = np.searchsorted(cols, pid)
    np.minimum(pos, len(cols) - 1, out=pos)
    rr, kk = np.nonzero(ok & (cols[pos] == pid))
    return rr, pos[rr, kk], pid[rr, kk]


class Namer:
    """Names the blocks of one :class:`~.checker.BulkResult`."""

    def __init__(self, d: Designs, names: list[str], table: KeyTable | None = None):
        self.d, self.names, self.m = d, names, len(d.cols)
        self.t = table if table is not None else KeyTable()
        ids = d.pres_ids
        if ids.shape[1] > 1:  # rows listing a column twice: named by the per-row walk
            s = np.sort(ids, axis=1)
            self.twice = ((s[:, 1:] == s[:, :-1]) & (s[:, 1:] < self.m)).any(1)
        else:
            self.twice = np.zeros(d.n, bool)
        self.any_twice = bool(self.twice.any())
        self.obj = self.objects(names)
        self._rows: dict[int, Row] = {}

    @staticmethod
    def objects(names: list[str]) -> np.ndarray:
        out = np.empty(len(names), object)
        out[:] = names
        return out

    def row(self, i: int) -> Row:
        r = self._rows.get(i)
        if r is None:
            r = self._rows[i] = row_of(self.d, i)
        return r

    def walk(self, rows: np.ndarray, spec: tuple, cc: np.ndarray | None = None) -> np.ndarray:
        """The per-row walk, for these rows (the definition)."""
        t, names = self.t, self.names
        if cc is None:
            return np.array([t.id(row_key(spec, self.row(i), -1, names)) for i in rows.tolist()],
                            np.int64).reshape(len(rows))
        return np.array([t.id(row_key(spec, self.row(i), c, names))
                         for i, c in zip(rows.tolist(), cc.tolist(), strict=True)],
                        np.int64).reshape(len(rows))

    def blocks(self, blocks: list) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(rows, key numbers) of these blocks, each what :meth:`block` gives for its block;
        the ``const`` blocks and the ``live`` ones (most of a run's several hundred blocks,
        each a few hundred rows) named all together, in one numpy pass each, not block by
        block (issue 19: the per-block overhead was most of the naming)."""
        R: list[np.ndarray] = []
        K: list[np.ndarray] = []
        t = self.t
        c_rows: list[np.ndarray] = []
        c_ids: list[int] = []
        live: list[tuple[np.ndarray, tuple]] = []
        for rows, spec in blocks:
            if not len(rows):
                continue
            kind = spec[0]
            if kind == "const":
                c_rows.append(rows)
                c_ids.append(t.id(spec[1]))
            elif kind == "live" and len(spec[4]) and not (
                    len(spec[4]) > 1 and (spec[4][1:] <= spec[4][:-1]).any()):
                live.append((rows, spec))
            else:
                R.append(np.asarray(rows, np.int64))
                K.append(self.block(rows, spec))
        if c_rows:
            R.append(np.concatenate(c_rows).astype(np.int64, copy=False))
            K.append(np.repeat(np.array(c_ids, np.int64),
                               np.fromiter(map(len, c_rows), np.int64, len(c_rows))))
        if live:
            rows, kid = self._live_many(live)
            R.append(rows)
            K.append(kid)
        return R, K

    def _live_many(self, live: list[tuple[np.ndarray, tuple]]) -> tuple[np.ndarray, np.ndarray]:
        """``live`` blocks (columns strictly sorted, at least one) named together: block b's
        columns become the numbers ``b * (m + 1) + column``, one sorted array for all."""
        d, m, t = self.d, self.m, self.t
        nb = len(live)
        # the same rule's blocks (one a chunk) are one group: its spec, once
        group_of: dict[tuple, int] = {}
        specs: list[tuple] = []
        gb = []
        for _r, s in live:
            key = (s[1], s[2], s[3], s[4].tobytes())
            got = group_of.get(key)
            if got is None:
                got = group_of[key] = len(specs)
                specs.append(s)
            gb.append(got)
        ng = len(specs)
        lens = np.fromiter((len(r) for r, _s in live), np.int64, nb)
        rows = np.concatenate([np.asarray(r, np.int64) for r, _s in live])
        g = np.repeat(np.array(gb, np.int64), lens)
        # the live entries of the block rows, then each one's rank among its group's
        # columns (-1: not one of them)
        pid = d.pres_ids[rows]
        rr, kk = np.nonzero(d.pres_vals[rows] > 0)
        cc = pid[rr, kk].astype(np.int64)
        at = g[rr] * (m + 1) + cc
        if ng * (m + 1) <= 1 << 25:  # a table of every (group, column): one lookup each
            table = np.full(ng * (m + 1), -1, np.int32)
            for j, s in enumerate(specs):
                table[j * (m + 1) + s[4]] = np.arange(len(s[4]), dtype=np.int32)
            rank = table[at]
        else:  # every group's columns as one sorted array
            cols = [np.asarray(s[4], np.int64) for s in specs]
            clen = np.fromiter(map(len, cols), np.int64, ng)
            cstart = np.zeros(ng + 1, np.int64)
            np.cumsum(clen, out=cstart[1:])
            enc = np.concatenate(cols) + np.repeat(np.arange(ng, dtype=np.int64) * (m + 1), clen)
            pos = np.minimum(np.searchsorted(enc, at), len(enc) - 1)
            rank = np.where(enc[pos] == at, pos - cstart[g[rr]], -1)
        hit = rank >= 0
        prefixes = [(s[1], s[2], s[3]) for s in specs]
        kid = _ranked(len(rows), rr[hit], rank[hit].astype(np.int64), cc[hit], self.obj,
                      prefixes.__getitem__, t, group=g)
        if self.any_twice:
            tw = self.twice[rows]
            if tw.any():
                blk = np.repeat(np.arange(nb), lens)
                for b in np.unique(blk[tw]).tolist():
                    sel = np.nonzero(tw & (blk == b))[0]
                    kid[sel] = self.walk(rows[sel], live[b][1])
        return rows, kid

    def block(self, rows: np.ndarray, spec: tuple) -> np.ndarray:
        """The key number of each row of a block."""
        kind, t, d, m = spec[0], self.t, self.d, self.m
        if kind == "const":
            return np.full(len(rows), t.id(spec[1]), np.int64)
        if kind == "col":
            keys, cc = spec[1], spec[2]
            if isinstance(keys, Solubility):  # the row's base and the column
                code = d.base[rows].astype(np.int64) * (m + 1) + cc
                u, inv = np.unique(code, return_inverse=True)
                ids = np.array([t.id(keys.key(b, c)) for b, c in
                                zip((u // (m + 1)).tolist(), (u % (m + 1)).tolist(), strict=True)],
                               np.int64)
                return ids[inv].reshape(len(rows))
            if callable(keys):
                return self.walk(rows, spec, cc)
            u, inv = np.unique(cc, return_inverse=True)
            ids = np.array(t.ids([keys[c] for c in u.tolist()]), np.int64)
            return ids[inv].reshape(len(rows))
        if kind == "base":
            u, inv = np.unique(d.base[rows], return_inverse=True)
            ids = np.array([t.id(spec[1][b]) for b in u.tolist()], np.int64)
            return ids[inv].reshape(len(rows))
        if kind == "dyn":
            return self.walk(rows, spec)
        if kind == "oil":  # the row's oil-phase additions in the order added (no set: exact)
            _k, bases, nm, oil = spec
            aid = d.add_ids[rows]
            rr, kk = np.nonzero((aid < m) & oil[aid])
            return _ranked(len(rows), rr, kk, aid[rr, kk], self.objects(nm),
                           lambda b: ("error", "base-capacity", f"base-{bases[b].id}-oil"),
                           t, group=d.base[rows])
        kid = self._vector(rows, spec)
        if kid is None:
            return self.walk(rows, spec)
        if self.any_twice:
            tw = self.twice[rows]
            if tw.any():
                kid[tw] = self.walk(rows[tw], spec)
        return kid

    def _vector(self, rows: np.ndarray, spec: tuple) -> np.ndarray | None:
        kind, t, d, m = spec[0], self.t, self.d, self.m
        n = len(rows)
        pid = d.pres_ids[rows]
        if kind == "live":
            _k, sev, code, rid, cols = spec
            if len(cols) > 1 and (cols[1:] <= cols[:-1]).any():
                return None  # not strictly sorted: the walk
            if len(cols) == 0:
                return np.full(n, t.id((sev, code, rid, ())), np.int64)
            live = d.pres_vals[rows] > 0
            rr, rank, cc = _hits(pid, live, cols)
            return _ranked(n, rr, rank, cc, self.obj, lambda g: (sev, code, rid), t)
        if kind == "incompat":
            _k, sev, rid, first, second = spec
            if any(len(c) > 1 and (c[1:] <= c[:-1]).any() for c in (first, second)):
                return None
            live = d.pres_vals[rows] > 0
            parts = [_hits(pid, live, c) for c in (first, second) if len(c)]
            if len(first) and len(second):
                parts[1] = (parts[1][0], parts[1][1] + len(first), parts[1][2])
            if not parts:
                return np.full(n, t.id((sev, "incompatible", rid, ())), np.int64)
            rr, rank, cc = (np.concatenate(x) for x in zip(*parts, strict=True))
            return _ranked(n, rr, rank, cc, self.obj, lambda g: (sev, "incompatible", rid),
                           t, once=True)
        if kind == "label":
            _k, rid, members = spec
            if len(members) == 0:
                return np.full(n, t.id(("info", "label-warning", rid, ())), np.int64)
            order = np.argsort(members, kind="stable")
            sm = members[order]
            if len(sm) > 1 and (sm[1:] == sm[:-1]).any():
                return None
            rr, pos, cc = _hits(pid, pid < m, sm)
            return _ranked(n, rr, order[pos], cc, self.obj,
                           lambda g: ("info", "label-warning", rid), t)
        if kind == "order":
            _k, cid, cols = spec
            sc = np.unique(cols)
            live = d.pres_vals[rows] > 0
            pos = np.searchsorted(sc, pid)
            np.minimum(pos, len(sc) - 1, out=pos)
            rr, kk = np.nonzero(live & (sc[pos] == pid) & (pid < m))
            return _ranked(n, rr, kk, pid[rr, kk], self.obj,
                           lambda g: ("error", "constraint", f"constraint-{cid}"), t)
        return None


def name_all(d: Designs, names: list[str], blocks: list, fallback_keys: dict[int, list[Key]],
             table: KeyTable | None = None) -> list[list[Key]]:
    """Every row's findings as sorted keys: the composition's, the blocks', and the engine's
    own for the rows it checked."""
    n = d.n
    nm = Namer(d, names, table)
    t = nm.t
    R: list[np.ndarray] = [np.zeros(0, np.int64)]
    K: list[np.ndarray] = [np.zeros(0, np.int64)]
    tid = t.id
    if d.pre_keys:  # the composition's findings: each distinct key numbered once
        pre = d.pre_keys
        allk = [k for keys in pre.values() for k in keys]
        uniq = dict.fromkeys(allk)
        uniq.update(zip(uniq, t.ids(list(uniq)), strict=True))
        R.append(np.repeat(np.fromiter(pre.keys(), np.int64, len(pre)),
                           np.fromiter(map(len, pre.values()), np.int64, len(pre))))
        K.append(np.fromiter(map(uniq.__getitem__, allk), np.int64, len(allk)))
    if d.lone_rows is not None and len(d.lone_rows):  # the unprofiled-ingredient warnings
        from .compose import _unprofiled_keys

        key = _unprofiled_keys(d.rs, d.cols)
        u, inv = np.unique(d.lone_cols, return_inverse=True)
        R.append(np.asarray(d.lone_rows, np.int64))
        K.append(np.array(t.ids(list(map(key, u.tolist()))), np.int64)[inv.reshape(-1)])
    br, bk = nm.blocks(blocks)
    R += br
    K += bk
    rr = np.concatenate(R)
    kk = np.concatenate(K)
    if fallback_keys:
        fb = np.zeros(n, bool)
        fb[list(fallback_keys)] = True
        keep = ~fb[rr]
        fr, fk = [], []
        for i, keys in fallback_keys.items():
            for k in keys:
                fr.append(i)
                fk.append(tid(k))
        rr = np.concatenate([rr[keep], np.array(fr, np.int64)])
        kk = np.concatenate([kk[keep], np.array(fk, np.int64)])
    # each row's keys sorted: by the rank of its key among all the distinct keys
    table = t.keys
    nt = max(len(table), 1)
    by_rank = t.order()
    rank = np.empty(len(table), np.int64)
    rank[by_rank] = np.arange(len(table))
    code = rr * nt + rank[kk]
    code.sort()
    ordered = np.empty(len(table), object)
    ordered[:] = [table[j] for j in by_rank]
    flat = ordered[code % nt].tolist()
    b = np.searchsorted(code, np.arange(n + 1) * nt).tolist()
    return list(map(flat.__getitem__, map(slice, b[:-1], b[1:])))
