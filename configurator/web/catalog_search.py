"""Search every ingredient the rule set knows: the lab's catalog, the annex substances
and the whole CosIng inventory (some 31,000 entries), fast enough for every keystroke.

Used by the R&D catalog browser (``/rnd/catalog``) and the designer's catalog search
(``/designs/catalog`` and the editor's advice list).

Decisions:

* One entry per ingredient. An inventory row whose INCI name the catalog profiles is
  the catalog's entry (the lab's profile wins, as in ``RuleSet.lookup``); the annex
  substances that are in neither (generated Annex II chemical names, ``eu-annex-…``
  ids) are entries of their own: a name a label may carry is a name R&D must find.
* The order of the index is the order of an empty search: the lab's profiled
  ingredients first, then everything else, each part by INCI name. A query ranks
  exact > prefix > substring of a name or number > tag > function; an exact hit
  comes first wherever it is (typing "BHT" must show BHT even though the lab has no
  profile for it), then the profiled ingredients, then the rest.
* Built once per rule set (memoised on the frozen ``RuleSet`` like its other
  indexes, ~0.3 s) from the folded texts of each entry: a query is a dict look-up
  (exact), a bisection of the sorted names (prefix) and one ``in`` per entry over a
  joined string (substring), all in C: a few milliseconds over 31,000 entries.
* Inventory entries are not built as :class:`Ingredient` values to be indexed (that is
  what makes them cheap: ``configurator/rules/inventory.py``); the few shown on a page
  are built by :func:`ingredient_of` without being added to the rule set, so browsing
  never grows it. Their tags are the built entry's: every inventory entry with a tag
  is built at load time (``Inventory.eager``), the others have none.
* A query is NFKC-normalised, case-folded and stripped of control characters here
  too, so no caller can put the field separator into it.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

from ..derived import per_rule_set
from ..rules.inventory import kebab
from ..rules.model import Ingredient, RuleSet

_SEP = "\x1f"  # between the texts of one entry: a query never holds a control character


def fold(text: str) -> str:
    """NFKC, case-folded, control characters dropped, runs of spaces made one."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class CatalogIndex:
    """Every entry by position: ``ids[:profiled]`` are the lab's profiled ingredients."""

    ids: tuple[str, ...]
    profiled: int
    exact: dict[str, tuple[int, ...]]  # a folded name or number -> positions
    prefix_keys: tuple[str, ...]  # sorted folded names (bisected for a prefix)
    prefix_pos: tuple[int, ...]  # the position of each of them
    names: tuple[str, ...]  # per position: folded names and numbers, joined
    # joined folded tags (functions) -> the positions carrying exactly those: a few
    # thousand distinct sets for 31,000 entries, so a query reads each set once
    tags: dict[str, tuple[int, ...]]
    functions: dict[str, tuple[int, ...]]
    tagged: dict[str, frozenset[int]]  # tag -> positions
    aliases: dict[str, tuple[str, ...]]  # id -> the rule set's other names for it (annex names)

    def __len__(self) -> int:
        return len(self.ids)

    def is_profiled(self, pos: int) -> bool:
        return pos < self.profiled

    def search(self, query: str, tag: str = "") -> list[int]:
        """The positions matching ``query`` (and carrying ``tag``), best first."""
        allowed = self.tagged.get(tag, frozenset()) if tag else None
        q = fold(query)
        if not q:
            return list(range(len(self.ids))) if allowed is None else sorted(allowed)
        qnum = q.replace(" ", "")
        if qnum == q:
            score = dict.fromkeys([n for n, blob in enumerate(self.names) if q in blob], 2)
        else:  # "98 - 92 - 0": numbers are indexed without spaces
            score = dict.fromkeys([n for n, blob in enumerate(self.names)
                                   if q in blob or qnum in blob], 2)
        keys = self.prefix_keys
        i = bisect_left(keys, q)
        while i < len(keys) and keys[i].startswith(q):
            score[self.prefix_pos[i]] = 1
            i += 1
        for key in {q, qnum}:
            for n in self.exact.get(key, ()):
                score[n] = 0
        # tags and functions are kebab-case ("vitamin-c", "skin-conditioning"): "vitamin c"
        # finds the vitamin C forms by their tag, not only the two that say it in a name
        qtag = q.replace(" ", "-")
        for level, groups in ((3, self.tags), (4, self.functions)):
            for blob, positions in groups.items():
                if q in blob or qtag in blob:
                    for n in positions:
                        score.setdefault(n, level)
        if allowed is not None:
            score = {n: s for n, s in score.items() if n in allowed}
        cut = self.profiled
        return sorted(score, key=lambda n: (score[n] != 0, n >= cut, score[n], n))


def _fold_known(text: str) -> str:
    """:func:`fold` for the rule set's own texts (no control characters to drop: faster)."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


class _Builder:
    """Collects the entries of a :class:`CatalogIndex` in their order."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.exact: dict[str, list[int]] = {}
        self.prefixes: list[tuple[str, int]] = []
        self.names: list[str] = []
        self.tags: dict[str, list[int]] = {}
        self.functions: dict[str, list[int]] = {}
        self.tagged: dict[str, set[int]] = {}

    def add(self, iid: str, texts: list[str], numbers: list[str], tags, functions: str) -> None:
        n = len(self.ids)
        self.ids.append(iid)
        texts = list(dict.fromkeys(texts))
        for t in texts:
            self.exact.setdefault(t, []).append(n)
            self.prefixes.append((t, n))
        for t in numbers:
            self.exact.setdefault(t, []).append(n)
        self.names.append(_SEP.join(texts + numbers))
        if tags:
            self.tags.setdefault(_SEP.join(sorted(tags)), []).append(n)
            for t in tags:
                self.tagged.setdefault(t, set()).add(n)
        if functions:
            self.functions.setdefault(functions, []).append(n)

    def done(self, profiled: int, aliases: dict[str, tuple[str, ...]]) -> CatalogIndex:
        self.prefixes.sort()
        return CatalogIndex(
            ids=tuple(self.ids), profiled=profiled,
            exact={k: tuple(v) for k, v in self.exact.items()},
            prefix_keys=tuple(k for k, _ in self.prefixes),
            prefix_pos=tuple(n for _, n in self.prefixes), names=tuple(self.names),
            tags={k: tuple(v) for k, v in self.tags.items()},
            functions={k: tuple(v) for k, v in self.functions.items()},
            tagged={t: frozenset(v) for t, v in self.tagged.items()}, aliases=aliases)


@per_rule_set
def catalog_index(rs: RuleSet) -> CatalogIndex:
    """The index of a rule set (built on first use, then kept for it)."""
    rows = rs.inventory.rows if rs.inventory is not None else {}
    built = dict(rs.ingredients)  # a snapshot: other requests may build entries meanwhile
    catalog = {iid: i for iid, i in built.items() if iid not in rows}
    # the rule set's names for an entry beyond its own (Annex II chemical names, CAS
    # numbers the catalog file gives): found, and said how ("name: 1,4-Dihydroxybenzene")
    aliases: dict[str, list[str]] = {}
    for key, iid in rs.names.items():
        aliases.setdefault(iid, []).append(key)
    # an inventory row the catalog profiles under the same INCI name: its CosIng names
    # and numbers find the catalog's entry
    by_inci = {i.inci.casefold(): iid for iid, i in catalog.items()}
    extra: dict[str, list] = {}
    rest = []
    for iid, row in rows.items():
        key = row.inci.casefold()
        owner = by_inci.get(key)
        if owner is None:
            rest.append((key, iid, row))
        else:
            extra.setdefault(owner, []).append(row)
    rest += [(i.inci.casefold(), iid, i) for iid, i in catalog.items() if not i.profiled]
    rest.sort(key=lambda t: (t[0], t[1]))
    profiled = sorted((i for i in catalog.values() if i.profiled),
                      key=lambda i: (i.inci.casefold(), i.id))
    fn_text: dict[tuple[str, ...], str] = {}  # CosIng functions -> kebab-case, folded, joined

    b = _Builder()
    for ing in profiled:
        texts = [_fold_known(x) for x in (ing.inci, ing.id, *ing.synonyms, *ing.trade_names)]
        numbers = [c.replace(" ", "") for c in ing.cas] + ([ing.cosing_ref] if ing.cosing_ref else [])
        for row in extra.get(ing.id, ()):
            texts += [_fold_known(x) for x in (row.inn, row.ph_eur) if x]
            numbers += [*row.cas, *row.ec, row.ref]
        texts += aliases.get(ing.id, ())
        b.add(ing.id, texts, list(dict.fromkeys(numbers)), ing.tags,
              _SEP.join(_fold_known(f) for f in ing.functions))
    for _key, iid, item in rest:
        if isinstance(item, Ingredient):
            texts = [_fold_known(x) for x in (item.inci, iid, *item.synonyms, *item.trade_names)]
            texts += aliases.get(iid, ())
            b.add(iid, texts, [c.replace(" ", "") for c in item.cas], item.tags,
                  _SEP.join(_fold_known(f) for f in item.functions))
            continue
        row = item
        texts = [_fold_known(x) for x in (row.inci, row.inn, row.ph_eur) if x]
        if iid in aliases:
            texts += aliases[iid]
        functions = fn_text.get(row.functions)
        if functions is None:
            functions = fn_text[row.functions] = _SEP.join(kebab(f) for f in row.functions)
        ing = built.get(iid)
        b.add(iid, texts, [*row.cas, *row.ec, row.ref], ing.tags if ing is not None else (),
              functions)
    return b.done(len(profiled), {k: tuple(v) for k, v in aliases.items()})


def ingredient_of(rs: RuleSet, iid: str) -> Ingredient | None:
    """The ingredient for an id, an inventory entry built for the occasion (not kept)."""
    got = rs.ingredients.get(iid)
    if got is None and rs.inventory is not None and iid in rs.inventory.rows:
        got = rs.inventory.ingredient(iid)
    return got


@dataclass(frozen=True)
class Hit:
    """One search result as pages show it."""

    ingredient: Ingredient
    profiled: bool
    regulated: str  # the annex entries that restrict it ("Annex II 1339"), or ""
    why: str  # what the query matched when not the INCI name ("synonym: Nicotinamide")

    @property
    def marks(self) -> tuple[str, ...]:
        """What the designer shows beside the name: "profiled" or "no lab profile", and
        "regulated: Annex II 1339" for an annex entry."""
        first = "profiled" if self.profiled else "no lab profile"
        return (first, f"regulated: {self.regulated}") if self.regulated else (first,)

    def as_json(self) -> dict:
        """The hit as ``GET /designs/catalog`` answers it."""
        ing = self.ingredient
        return {"id": ing.id, "inci": ing.inci, "profiled": self.profiled,
                "regulated": self.regulated, "marks": list(self.marks),
                "cosing_ref": ing.cosing_ref, "functions": list(ing.functions),
                "matched": self.why}


def why_matched(rs: RuleSet, ing: Ingredient, query: str) -> str:
    """What a hit matched, in words ("" for its INCI name)."""
    q = fold(query)
    if not q:
        return ""
    qnum = q.replace(" ", "")
    inv = rs.inventory
    row = inv.rows.get(f"cosing-{ing.cosing_ref}") if inv is not None and ing.cosing_ref else None
    labelled = [("INCI", ing.inci), ("id", ing.id)]
    labelled += [("synonym", x) for x in ing.synonyms if row is None or x not in (row.inn, row.ph_eur)]
    labelled += [("trade name", x) for x in ing.trade_names]
    if row is not None:
        labelled += [("INN", row.inn), ("Ph. Eur. name", row.ph_eur)]
    best: tuple[int, str] | None = None
    for label, value in labelled:
        v = fold(value) if value else ""
        score = 0 if v == q else 1 if v.startswith(q) else 2 if v and q in v else None
        if score is not None and (best is None or score < best[0]):
            best = (score, "" if label == "INCI" else f"{label}: {value}")
    numbers = [("CAS", c) for c in ing.cas] + [("EC", e) for e in (row.ec if row else ())]
    numbers += [("CosIng ref", ing.cosing_ref)] if ing.cosing_ref else []
    for label, value in numbers:
        bare = value.replace(" ", "").casefold()
        if qnum and qnum in bare:
            score = 0 if bare == qnum else 2
            if best is None or score < best[0]:
                best = (score, f"{label} {value}")
    for value in catalog_index(rs).aliases.get(ing.id, ()):  # already folded
        score = 0 if value == q else 1 if value.startswith(q) else 2 if q in value else None
        if score is not None and (best is None or score < best[0]):
            best = (score, f"name: {value}")
    if best is not None:
        return best[1]
    qtag = q.replace(" ", "-")
    tag = next((t for t in sorted(ing.tags) if q in fold(t) or qtag in fold(t)), None)
    if tag is not None:
        return f"tag: {tag}"
    function = next((f for f in ing.functions if q in fold(f) or qtag in fold(f)), None)
    return f"function: {function}" if function is not None else ""


def hits(rs: RuleSet, positions, query: str = "") -> list[Hit]:
    """The hits at some positions of the index (a page of them), ready to show."""
    index = catalog_index(rs)
    out = []
    for n in positions:
        ing = ingredient_of(rs, index.ids[n])
        if ing is not None:
            out.append(Hit(ing, index.is_profiled(n), rs.regulated(ing.id),
                           why_matched(rs, ing, query)))
    return out
