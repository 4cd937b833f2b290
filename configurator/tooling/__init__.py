"""R&D's rule tooling: regression cases, diffs, impact reports, docs."""
