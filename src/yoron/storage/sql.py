"""Statements written once and compiled per dialect at start-up.

Every statement is SQL text with ``:name`` parameters. SQLAlchemy compiles it
to the driver's placeholder style (``?`` for sqlite3, ``$1`` for asyncpg) and
records the order of the names, so execution only builds a tuple.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.engine import Dialect

DialectName = Literal["sqlite", "postgresql"]

_DIALECTS: dict[DialectName, Dialect] = {
    "sqlite": pysqlite.dialect(),
    "postgresql": pg_asyncpg.dialect(),
}


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement; ``sqlite`` or ``postgresql`` replace ``sql`` where the engines differ."""

    sql: str
    sqlite: str | None = None
    postgresql: str | None = None

    def source(self, dialect: DialectName) -> str:
        return getattr(self, dialect) or self.sql


@dataclass(frozen=True, slots=True)
class Compiled:
    sql: str
    names: tuple[str, ...]

    def args(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple(params[name] for name in self.names)
        except KeyError as exc:
            raise TypeError(f"missing SQL parameter {exc} for: {self.sql[:80]}") from None


class StatementCache:
    """Compiles each statement once for one dialect."""

    def __init__(self, dialect: DialectName) -> None:
        self.dialect = dialect
        self._compiled: dict[Statement, Compiled] = {}

    def __getitem__(self, statement: Statement) -> Compiled:
        compiled = self._compiled.get(statement)
        if compiled is None:
            compiled = compile_statement(statement, self.dialect)
            self._compiled[statement] = compiled
        return compiled


def compile_statement(statement: Statement, dialect: DialectName) -> Compiled:
    result = text(statement.source(dialect)).compile(dialect=_DIALECTS[dialect])
    names = tuple(result.positiontup or ())
    return Compiled(sql=str(result), names=names)
