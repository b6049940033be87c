"""The floors of the runtime package, held by its import graph: no cycles, nothing imported from a
floor above, and stages small enough to read.

From the ground up: the domain (pressroom's root modules: posts, slugs, events, the catalogue's
types…), reading an upload (reading/: front matter to a Post or a Rejection), the theme, the
ports the domain owns, the stages (pipeline), the adapters that implement the ports over AWS,
and the wiring that builds a function's stages. A module may import its own
floor and the floors below it; imports under `if TYPE_CHECKING:` are annotations, not imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO

PACKAGE = REPO / "runtime" / "pressroom"
FLOORS = ["domain", "reading", "theme", "ports", "pipeline", "adapters", "wiring"]
MAX_PARAMETERS = 7
MAX_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def floor(module: str) -> str:
    """pressroom.pipeline.render is on "pipeline"; pressroom.ports on "ports"; pressroom.slugs on "domain"."""
    part = module.split(".")[1] if "." in module else ""
    return part if part in FLOORS else "domain"


def known(name: str) -> str:
    """The module an import names: `from pressroom.x import y` is pressroom.x.y if that is a module."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every pressroom module `path` imports, at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    annotations_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in annotations_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pressroom":
            for alias in node.names:
                yield node.lineno, known(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pressroom":
                    yield node.lineno, known(alias.name)


GRAPH = {module: {target for _, target in imports(path)} - {module} for module, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle's modules (Tarjan's strongly connected components larger than one module)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        for target in graph.get(module, ()):
            if target not in index:
                visit(target)
                lowest[module] = min(lowest[module], lowest[target])
            elif target in stack:
                lowest[module] = min(lowest[module], index[target])
        if lowest[module] == index[module]:
            component = []
            while (member := stack.pop()) != module:
                component.append(member)
            if component:
                found.append(sorted([module, *component]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_package_has_every_floor_and_the_graph_sees_its_imports():
    assert {floor(module) for module in MODULES} == set(FLOORS)
    assert "pressroom.pipeline.render" in GRAPH["pressroom.pipeline.rendering"]
    assert "pressroom.ports" in GRAPH["pressroom.pipeline.publishing"]


def test_no_module_imports_itself_back_through_others():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_a_module_imports_nothing_from_a_floor_above_its_own(module: str):
    own = FLOORS.index(floor(module))
    above = [
        f"line {line}: {target} ({floor(target)})"
        for line, target in imports(MODULES[module])
        if FLOORS.index(floor(target)) > own
    ]
    assert above == [], f"{module} is on the {floor(module)} floor"


def stage_functions() -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for path in sorted((PACKAGE / "pipeline").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{path.stem}.{node.name}:{node.lineno}", node


STAGE_FUNCTIONS = dict(stage_functions())


@pytest.mark.parametrize("name", sorted(STAGE_FUNCTIONS))
def test_no_stage_function_takes_more_than_seven_parameters_or_sixty_lines(name: str):
    function = STAGE_FUNCTIONS[name]
    arguments = function.args
    parameters = [
        argument.arg
        for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        if argument.arg not in ("self", "cls")
    ] + [star.arg for star in (arguments.vararg, arguments.kwarg) if star is not None]
    lines = (function.end_lineno or function.lineno) - function.lineno + 1

    assert len(parameters) <= MAX_PARAMETERS, f"{name} takes {len(parameters)}: {parameters}"
    assert lines <= MAX_LINES, f"{name} spans {lines} lines"
