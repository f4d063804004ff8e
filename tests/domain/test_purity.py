"""The domain reads no file: reference data reaches it through its port (``trace_verify.refdata``).

import-linter keeps libraries and outer layers out of ``trace_verify/domain``; this test keeps file
access out, which import-linter cannot see (``open``, ``importlib.resources``, ``gzip``, ``pathlib``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "trace_verify" / "domain"
FILE_MODULES = {"importlib.resources", "importlib.resources.abc", "gzip", "pathlib", "os", "io.open"}


def _file_access(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in FILE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            found += sorted(names & FILE_MODULES)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            found.append("open()")
    return found


@pytest.mark.parametrize("path", sorted(DOMAIN.rglob("*.py")), ids=lambda p: str(p.relative_to(DOMAIN)))
def test_no_domain_module_reads_a_file(path: Path) -> None:
    assert _file_access(path) == []
