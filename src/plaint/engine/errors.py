"""Problems found in a procedure file, each with the file, the line and a message from the catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plaint.engine.messages import Message


@dataclass(frozen=True, eq=False)
class Problem:
    """One thing wrong with a procedure file: `file:line: where: message`."""

    file: str
    line: int
    where: str
    message: Message

    def text(self, lang: str = "en") -> str:
        prefix = f"{self.file}:{self.line}: "
        return prefix + (f"{self.where}: " if self.where else "") + self.message.text(lang)

    def __str__(self) -> str:
        return self.text("en")


class ProcedureError(Exception):
    """A procedure file that cannot be used; `problems` lists every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = {problem.text(): problem for problem in problems}
        self.problems: tuple[Problem, ...] = tuple(sorted(unique.values(), key=lambda p: (p.file, p.line, p.where)))
        super().__init__("\n".join(problem.text() for problem in self.problems))

    def lines(self, lang: str = "en") -> list[str]:
        return [problem.text(lang) for problem in self.problems]


class EngineInputError(ValueError):
    """Input that the engine cannot use (an unknown procedure id, a bad date for a plan): one message."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))
