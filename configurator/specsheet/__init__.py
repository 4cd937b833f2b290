"""The spec sheet: the PDF a lab technician reads to decide whether a design gets made.

Two stages, as in WeasyPrint's own samples: :mod:`.view` builds a frozen view
model (:class:`SpecSheet`) from the engine's Formula and Report, and
:mod:`.render` turns it into a PDF through ``templates/specsheet/sheet.html``
and its print stylesheet. No chemistry is decided here; every figure comes from
the engine or the rule files.
"""

from .view import Review, SpecSheet, build_sheet

__all__ = ["Review", "SpecSheet", "build_sheet"]
