"""``configurator rules import-cosing``: the Commission's CosIng annex exports as rules."""
