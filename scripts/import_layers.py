"""Check the app's import graph: no circle, and no stage importing a stage after it.

The stages follow the data flow (docs/ARCHITECTURE.md). A module may import from its own
stage and from the stages listed before it; the top level (tasks, admin, apps,
management commands) may import anything. Imports inside functions count too: they hide
a dependency, they do not remove it. Run by `make lint`; prints each offending import.
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "annotations"
# Lowest first. models and core are the base every stage stands on.
LAYERS = ["models", "core", "nlp", "ingest", "tagging", "review", "publishing", "partners",
          "editorial"]  # fmt: skip
TOP = {"tasks", "admin", "apps", "management", "migrations"}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "annotations"}


def main() -> int:
    modules = {module_name(p): p for p in APP.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = defaultdict(set)
    problems: list[str] = []
    for name, path in sorted(modules.items()):
        stage = stage_of(name)
        for target in sorted(imports_of(path)):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]  # `from pkg import name` names no module
            if target == name or target not in modules:
                continue
            graph[name].add(target)
            target_stage = stage_of(target)
            if stage in TOP or stage not in LAYERS or target_stage not in LAYERS:
                continue
            if LAYERS.index(target_stage) > LAYERS.index(stage):
                problems.append(f"{name} imports {target}: {stage} may not import {target_stage}")
    problems += [f"import circle: {' -> '.join(c)}" for c in circles(graph)]
    problems = list(dict.fromkeys(problems))
    for problem in problems:
        print(problem)
    print(f"import layers: {len(modules)} modules, {len(problems)} problem(s)")
    return 1 if problems else 0


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One example path per circle found by depth-first search (packages' __init__ that
    re-export their modules are part of the graph like any module)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


if __name__ == "__main__":
    sys.exit(main())
