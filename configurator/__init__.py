"""configurator: a rule-driven configurator for custom cosmetic formulations.

The engine (``configurator.engine``) knows nothing of Flask, SQL or PDF; the
web app, the CLI and the spec sheet are thin shells around it.
"""

__version__ = "0.1.0"
