"""The INCI names a generated `expression` rule may use, exactly as the rule set loads them.

An `expression` rule names its ingredients with `ingredients:` (any known name, any case)
and reads them in `pct["…"]`, which the loader accepts only with the ingredient's INCI
name written exactly (rules/README.md, "expression"). The loader resolves a name against
the lab catalog first (INCI, synonyms, trade names, CAS), then the CosIng inventory,
whose entry is replaced by the catalog's when the catalog carries its INCI name; an
inventory-only ingredient is labelled `label_case(INCI)`. `Names` repeats that lookup
over `rules/catalog/` and `rules/cosing/inventory.csv.gz`, so the generated files depend
on the catalog too (`rules coverage` says they are stale when the catalog renames one).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ...rules.inventory import Inventory, label_case, read_inventory
from ...rules.model import inci_spelling

_CITE = re.compile(r"(?<![A-Z])(II|III|IV|VI|V)/(\d+[a-z]?)(?![0-9a-z])")


class Names:
    """Known names → the INCI name the loaded ingredient carries (None when unknown)."""

    def __init__(self, catalog: dict[str, str], inventory: Inventory | None,
                 catalog_cas: dict[str, frozenset[str]] | None = None):
        self._catalog = catalog  # casefolded name → the catalog's INCI name
        self._inventory = inventory
        self._catalog_cas = catalog_cas or {}  # the catalog's INCI name → its CAS numbers
        self._cited: dict[tuple[str, str], list[str]] | None = None

    @classmethod
    def load(cls, rules_dir: str | Path, cosing_dir: str | Path | None = None) -> Names:
        """The catalog of `rules_dir` and the first inventory found (cosing_dir, rules/cosing)."""
        rules_dir = Path(rules_dir)
        catalog: dict[str, str] = {}
        catalog_cas: dict[str, frozenset[str]] = {}
        for path in sorted((rules_dir / "catalog").rglob("*.yaml")):
            try:
                doc = yaml.load(path.read_text(encoding="utf-8"),
                                Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue  # `rules check` reports it
            for ing in (doc or {}).get("ingredients") or [] if isinstance(doc, dict) else []:
                if not isinstance(ing, dict) or not isinstance(ing.get("inci"), str):
                    continue
                aliases = [ing.get("id"), ing["inci"], *(ing.get("synonyms") or []),
                           *(ing.get("trade_names") or []), *(ing.get("cas") or [])]
                for alias in aliases:
                    if isinstance(alias, str):
                        catalog.setdefault(alias.casefold(), ing["inci"])  # the first file wins
                catalog_cas.setdefault(ing["inci"], frozenset(
                    c for c in ing.get("cas") or [] if isinstance(c, str)))
        inventory = None
        for folder in [Path(cosing_dir)] if cosing_dir else []:
            if (folder / "inventory.csv.gz").is_file():
                inventory = read_inventory(folder / "inventory.csv.gz")
        if inventory is None and (rules_dir / "cosing" / "inventory.csv.gz").is_file():
            inventory = read_inventory(rules_dir / "cosing" / "inventory.csv.gz")
        return cls(catalog, inventory, catalog_cas)

    def exact(self, name: str) -> str | None:
        """The INCI name `pct[…]` must use for `name`, or None when nothing known is it."""
        key = " ".join(str(name).split()).casefold()
        if key in self._catalog:
            return self._catalog[key]
        if self._inventory is None:
            return None
        iid = self._inventory.get(key)
        if iid is None:
            return None
        inci = self._inventory.rows[iid].inci
        return self._catalog.get(inci.casefold(), label_case(inci))

    def identity(self, name: str) -> tuple[str, frozenset[str], frozenset[tuple[str, str]]] | None:
        """(INCI name, CAS numbers, (annex, ref) the inventory cites) of the ingredient the
        catalog or the inventory knows by `name` (or its INCI spelling: "sulphate" →
        "sulfate"), None when neither knows it. A CAS number alone is not looked up."""
        for variant in dict.fromkeys((name, inci_spelling(name))):
            key = " ".join(str(variant).split()).casefold()
            inci = self._catalog.get(key)
            row = None
            if self._inventory is not None:
                iid = self._inventory.get(inci.casefold() if inci else key)
                if iid is not None and (inci is None or self._inventory.rows[iid].inci.casefold()
                                        == inci.casefold()):
                    row = self._inventory.rows[iid]
            if inci is None and row is None:
                continue
            cas = set(self._catalog_cas.get(inci, ())) if inci else set()
            cites: set[tuple[str, str]] = set()
            if row is not None:
                cas |= set(row.cas)
                cites = set(_CITE.findall(row.restriction))
                inci = inci or label_case(row.inci)
            return inci, frozenset(cas), frozenset(cites)
        return None

    def citing(self, annex: str, ref: str) -> list[str]:
        """The inventory's INCI names whose restriction column cites "<annex>/<ref>", exact."""
        if self._inventory is None:
            return []
        if self._cited is None:
            self._cited = {}
            for row in self._inventory.rows.values():
                for key in _CITE.findall(row.restriction):
                    self._cited.setdefault(key, []).append(row.inci)
        return sorted({self.exact(n) or label_case(n) for n in self._cited.get((annex, ref), ())})

    def known(self, names) -> list[str]:
        """The exact INCI names of those of `names` the rule set knows, without repeats."""
        out = []
        for n in names:
            exact = self.exact(n)
            if exact and exact not in out:
                out.append(exact)
        return out


NO_NAMES = Names({}, None)
