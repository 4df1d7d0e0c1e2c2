"""Every third-party module the installed code imports is a declared runtime dependency.

(A fresh ``pip install .`` has only those: a module that the dev extras or a local venv happen to
provide would break the quick start.)
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mati", "nlp", "corpus", "api")


def _names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return {node.module.split(".")[0]}
    return set()


def _imports(top_level_only: bool = False) -> set[str]:
    """Third-party modules imported by the packages (only at module level, when asked)."""
    names: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body if top_level_only else ast.walk(tree):
                names |= _names(node)
    return names - set(PACKAGES) - set(sys.stdlib_module_names)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_canonical(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in requirements}


def test_third_party_imports_are_declared_dependencies() -> None:
    """Runtime dependencies everywhere; the ``semantic`` extra only inside functions (imported when used)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _declared(project["dependencies"])
    optional = _declared(project["optional-dependencies"]["semantic"])
    owners = packages_distributions()

    def undeclared(modules: set[str], allowed: set[str]) -> dict[str, list[str]]:
        return {m: owners.get(m, ["?"]) for m in modules if not allowed & {_canonical(d) for d in owners.get(m, [m])}}

    assert not undeclared(_imports(), declared | optional), "imported but not declared"
    assert not undeclared(_imports(top_level_only=True), declared), "an optional package imported at module level"
