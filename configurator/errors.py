"""One error hierarchy for the whole program.

Every error a user can meet derives from :class:`ConfiguratorError` and from the
built-in it resembles, carries typed fields and builds its text in ``__str__``
(the shape pint uses). The CLI turns them into exit status 2, the web app into
a 4xx response: never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ConfiguratorError(Exception):
    """Base of every error the configurator raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem at one place of a file: ``file:line: message``."""

    file: str
    line: int | None
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line:
            where = f"{where}:{self.line}"
        loc = f" ({self.path})" if self.path else ""
        return f"{where}: {self.message}{loc}"


@dataclass
class FormulaError(ValueError, ConfiguratorError):
    """A formula document that cannot be read: bad YAML/JSON, wrong shape, bad unit."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        # "file, line N: message": names the file and the line in words a user reads
        return "\n".join(
            f"{p.file or '<input>'}{f', line {p.line}' if p.line else ''}: {p.message}"
            + (f" ({p.path})" if p.path else "") for p in self.problems) or "invalid formula"


@dataclass
class RuleSetError(ValueError, ConfiguratorError):
    """Rule files with problems; every problem is listed, with file and line."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the rule files"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


class UnitError(ValueError, ConfiguratorError):
    """A quantity pint cannot read, or one of the wrong kind (a mass for a percentage)."""

    def __init__(self, text: object, expected: str):
        super().__init__(text, expected)
        self.text = text
        self.expected = expected

    def __str__(self) -> str:
        try:
            shown = repr(self.text)
        except ValueError:  # an int of more than 4300 digits
            shown = "a number too large"
        if len(shown) > 80:  # never echo 100 000 characters back to the user
            shown = shown[:77] + "…" + shown[0]
        return f"{shown} is not {self.expected}"
