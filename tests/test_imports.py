"""Import hygiene, read from the source (AST): no circle between deskline's modules, deferred
imports included, and no private name (``_x``) imported from another module."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "storage", "themes", "tui")


@dataclass(frozen=True)
class Imported:
    module: str  # the importing module
    target: str  # the module it imports (or the module a name comes from)
    name: str | None  # the name taken by ``from target import name``
    line: int


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package under ``root``, by its dotted name (``deskline.core.x``)."""
    found = {"deskline": root / "__init__.py"}
    if (root / "__main__.py").exists():
        found["deskline.__main__"] = root / "__main__.py"
    for folder in PACKAGES:
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(("deskline", *parts))] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[Imported]:
    """Every import in the module, at any depth (a deferred import is still an import)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield Imported(name, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            if base not in known:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:  # ``from package import module``
                    yield Imported(name, sub, None, node.lineno)
                else:
                    yield Imported(name, base, alias.name, node.lineno)


def private_imports(root: Path, extra: tuple[Path, ...] = ()) -> list[str]:
    """``from deskline.x import _name`` in any module but ``deskline.x`` itself."""
    known = modules(root)
    sources = dict(known)
    for folder in extra:
        for path in sorted(folder.rglob("*.py")):
            sources[f"{folder.name}:{path.relative_to(folder)}"] = path
    found = []
    for name, path in sources.items():
        for imp in imports(name, path, known):
            # ``_`` is gettext's "in the current language" (core.language), public by custom
            private = imp.name is not None and imp.name.startswith("_") and imp.name != "_"
            if private and not imp.name.startswith("__") and imp.target != name:
                found.append(
                    f"{path.relative_to(root)}:{imp.line} takes {imp.name} from {imp.target}"
                )
    return found


def circles(root: Path) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a longer loop (Tarjan)."""
    known = modules(root)
    graph = {
        name: sorted({i.target for i in imports(name, path, known) if i.target != name})
        for name, path in known.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_circles_between_modules():
    assert circles(ROOT) == []


def test_no_private_names_imported_across_modules():
    assert private_imports(ROOT, (ROOT / "tests", ROOT / "benchmarks")) == []


def copy_of_the_package(tmp_path: Path) -> Path:
    for folder in PACKAGES:
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "__init__.py", tmp_path)
    return tmp_path


def test_a_planted_circle_is_caught_even_through_a_deferred_import(tmp_path):
    root = copy_of_the_package(tmp_path)
    (root / "core" / "planted_a.py").write_text("from deskline.core import planted_b\n")
    (root / "core" / "planted_b.py").write_text(
        "def later():\n    from deskline.core.planted_a import later  # deferred\n"
    )
    assert ["deskline.core.planted_a", "deskline.core.planted_b"] in circles(root)


def test_a_planted_private_import_is_caught(tmp_path):
    root = copy_of_the_package(tmp_path)
    (root / "tui" / "planted.py").write_text("from ..core.clock import _private\n")
    assert "tui/planted.py:1 takes _private from deskline.core.clock" in private_imports(root)
