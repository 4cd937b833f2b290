"""The app's JSON provider: Flask's own, with orjson doing the common case (issue 19).

``POST /api/v1/validate`` answers a report of ~4.7 kB: encoding it with the standard
library (sorted keys, non-ASCII escaped) took ~30 µs of the call's ~145 µs in process,
orjson takes ~3 µs; reading the request body, ~4.6 against ~1.5 µs.

What an answer says does not change, only how some of it is written:

- **dumps**, for the compact answers (``jsonify``, the validate fast path: separators
  ``(",", ":")``, no indent): orjson, keys sorted as Flask sorts them, the same
  ``default`` for what JSON has no type for (dates as HTTP dates, decimals and UUIDs as
  text, dataclasses as objects, ``__html__``; subclasses of text, numbers, lists and
  objects as what they are, as the standard library writes them). The one difference in
  the bytes: non-ASCII characters (``≤``, ``—``, ``µ`` in the findings' messages) are
  written as UTF-8, not as ``\\uXXXX`` escapes: the same JSON text for any reader,
  shorter. (NaN and the infinities, which no answer holds since the parser refuses them,
  would come out as ``null``, valid JSON, not as the standard library's ``NaN``, which is
  not JSON.) Anything orjson refuses (keys that are not text, integers over 64 bits,
  nesting over 254 levels, text with lone surrogates) and any other call (``indent``, the
  spaced separators of ``tojson`` in templates, other options) goes to the standard
  library exactly as Flask wrote it, ASCII escapes included: a lone surrogate echoed in
  an error message is written ``\\ud800`` (as UTF-8 it cannot be encoded at all: the fuzz
  test of the API found that 500 in a first version).
- **loads**: orjson, and where it refuses the text the standard library reads it, so
  what was read before is read the same and what was refused is refused with the same
  error (``json.JSONDecodeError``): NaN and Infinity, UTF-16 and UTF-32 bodies are read
  as before. A text with a run of 19 digits or more goes to the standard library
  first: orjson reads an integer over 64 bits as a float, the standard library exactly.

``tests/web/test_json_provider.py`` holds both to the standard library's reading.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

_COMPACT = (",", ":")
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_DUMPS_KEYS = frozenset({"separators", "indent", "default"})
_LONG = re.compile(rb"[0-9]{19}")  # an integer orjson may not hold exactly


class FastJSONProvider(DefaultJSONProvider):
    """Flask's provider, orjson first (see the module docstring)."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if (kwargs.get("separators") == _COMPACT and kwargs.get("indent") is None
                and self.sort_keys and kwargs.keys() <= _DUMPS_KEYS):
            try:
                return orjson.dumps(obj, default=kwargs.get("default", self.default),
                                    option=_OPTIONS).decode()
            except (orjson.JSONEncodeError, TypeError, ValueError):
                pass  # the standard library's answer, or its error
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if not kwargs and not _LONG.search(s if isinstance(s, bytes) else s.encode("utf-8", "replace")):
            try:
                return orjson.loads(s)
            except orjson.JSONDecodeError:
                pass  # read as the standard library reads it, or refused as it refuses it
        return json.loads(s, **kwargs)
