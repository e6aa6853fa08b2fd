"""The package's imports follow the pipeline: no cycle, and no stage imports a later one.

Every import counts, including those inside functions and under `TYPE_CHECKING`: a cycle hidden
from the interpreter is still a cycle for the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = "brochures"
# Stages in pipeline order. Shared modules come first; the preview server consumes the builders;
# the commands on top may use every stage.
STAGES = ("shared", "content", "html", "pdf", "web", "builders", "preview", "commands")
# Stages side by side: each renders from html/ and neither may use the other.
PARALLEL = {("web", "pdf"), ("pdf", "web")}
SHARED = {"brochures", "brochures.problems", "brochures.files", "brochures.cache", "brochures.resources"}


def module_names(package_dir: Path, package: str) -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    names = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    assert package in names
    return names


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's modules that `name` imports, wherever the import statement sits."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + is_package]
                base = ".".join(anchor + ([base] if base else []))
            # `from a import b` names module a.b when there is one, else something defined in a
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def stage_of(name: str, package: str = PACKAGE, shared: frozenset[str] | set[str] = SHARED) -> str:
    if name in shared:
        return "shared"
    parts = name.split(".")
    if len(parts) >= 2 and parts[1] in STAGES[1:-1]:
        return parts[1]
    return "commands"  # cli, check, readability: top-level modules that drive the stages


def import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    names = module_names(package_dir, package)
    return {name: imports_of(name, path, set(names)) for name, path in names.items()}


def backward_imports(graph: dict[str, set[str]], package: str, shared: set[str]) -> list[str]:
    """Imports of a later stage, and imports of a stage by a shared module."""
    wrong = []
    for name, targets in graph.items():
        for target in sorted(targets):
            here, there = stage_of(name, package, shared), stage_of(target, package, shared)
            if STAGES.index(there) > STAGES.index(here) or (here, there) in PARALLEL:
                wrong.append(f"{name} ({here}) imports {target} ({there})")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, found by depth-first search."""
    found, state = [], {}
    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_import_cycle():
    assert cycles(import_graph(ROOT / PACKAGE, PACKAGE)) == []


def test_no_stage_imports_a_later_one():
    assert backward_imports(import_graph(ROOT / PACKAGE, PACKAGE), PACKAGE, SHARED) == []


def test_every_stage_is_a_subpackage_with_modules():
    graph = import_graph(ROOT / PACKAGE, PACKAGE)
    for stage in STAGES[1:-1]:
        assert any(name.startswith(f"{PACKAGE}.{stage}.") for name in graph), stage


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


@pytest.mark.parametrize("content_imports", [
    "from pkg.html.page import render\n",
    "from ..html import page\n",
    "def late():\n    from pkg.builders import plan\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.pdf.render\n",
])
def test_the_check_sees_a_backward_import_however_it_is_written(tmp_path, content_imports):
    package = write_package(tmp_path, {
        "pkg/__init__.py": "", "pkg/content/__init__.py": "", "pkg/html/__init__.py": "",
        "pkg/pdf/__init__.py": "", "pkg/builders/__init__.py": "", "pkg/html/page.py": "",
        "pkg/builders/plan.py": "", "pkg/pdf/render.py": "",
        "pkg/content/catalogue.py": content_imports,
    })
    wrong = backward_imports(import_graph(package, "pkg"), "pkg", {"pkg"})
    assert len(wrong) == 1 and wrong[0].startswith("pkg.content.catalogue (content) imports pkg.")


def test_the_check_sees_a_cycle_within_a_stage(tmp_path):
    package = write_package(tmp_path, {
        "pkg/__init__.py": "", "pkg/content/__init__.py": "",
        "pkg/content/a.py": "from .b import x\n",
        "pkg/content/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.content.a import y\n",
    })
    assert cycles(import_graph(package, "pkg")) == [["pkg.content.a", "pkg.content.b", "pkg.content.a"]]
