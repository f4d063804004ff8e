"""The rules of rules.md, each a small function ``(Context) -> Iterator[Finding]``, grouped by subject."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from trace_verify.domain.context import Context
from trace_verify.domain.rules import (
    codes,
    complaint,
    customs,
    evidence,
    history,
    paths,
    sources,
    timing,
    tracking,
)
from trace_verify.domain.verdict import Finding

Rule = Callable[[Context], Iterator[Finding]]

#: Every rule the verifier runs, in no particular order (findings are sorted afterwards).
ALL_RULES: tuple[Rule, ...] = (
    *paths.RULES,
    *timing.RULES,
    *customs.RULES,
    *codes.RULES,
    *tracking.RULES,
    *history.RULES,
    *evidence.RULES,
    *complaint.RULES,
    *sources.RULES,
)
