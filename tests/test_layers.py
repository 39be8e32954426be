"""The package's layers: no import cycle, and no lower layer imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "translate"
# Lowest first. A module may import its own layer and the layers before it.
LAYERS = [
    ("ground", {"translate", "translate.version", "translate.errors", "translate.options"}),
    ("files", {"translate.files"}),  # reading, atomic writes, output names, walking
    ("text", {"translate.text"}),
    ("formats", {"translate.formats"}),
    ("quality", {"translate.quality"}),
    ("cache", {"translate.cache"}),
    ("models", {"translate.models"}),
    ("translation", {"translate.translation"}),  # translating files: the pipeline
    ("summaries", {"translate.summaries"}),  # chunks, TextRank, the summariser, runs of them
    ("review", {"translate.review"}),
    ("run", {"translate.run"}),  # the order of a run: drives summaries and review
    ("api", {"translate.api", "translate.jobs"}),
    ("serve", {"translate.serve"}),  # the HTTP server: over the library, beside the CLI
    ("cli", {"translate.cli", "translate.__main__"}),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best = -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "translate" and module.startswith(prefix + ".")):
                best = index
    assert best >= 0 or module == "translate", f"{module} is in no layer: add it to LAYERS"
    return max(best, 0)


def _type_checking_block(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and (
        node.test.id == "TYPE_CHECKING")


def imports(top_level_only: bool = False) -> dict[str, set[str]]:
    """Every module's imports of translate modules (``from translate import X`` too).

    Args:
        top_level_only: Only the imports that run when the module is imported (not the
            deliberate lazy ones inside functions): what can make an import cycle.
    """
    found: dict[str, set[str]] = {}
    known = {module_name(p) for p in PACKAGE.rglob("*.py")}
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        deps: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if name == "translate":  # the facade: its `if TYPE_CHECKING:` names only type the API
            tree.body = [n for n in tree.body if not _type_checking_block(n)]
        nodes = tree.body if top_level_only else list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                    node.module.split(".")[0] == "translate"):
                submodules = {f"{node.module}.{a.name}" for a in node.names} & known
                # `from package import submodule` needs the submodule, not the package
                deps |= submodules if len(submodules) == len(node.names) else {node.module}
                deps |= submodules
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.split(".")[0] == "translate"}
        found[name] = deps - {name}
    return found


def test_every_module_has_a_layer() -> None:
    for module in imports():
        layer_of(module)


def test_no_upward_imports() -> None:
    wrong = [f"{module} ({LAYERS[layer_of(module)][0]}) imports {dep} "
             f"({LAYERS[layer_of(dep)][0]})"
             for module, deps in imports().items() for dep in deps
             if layer_of(dep) > layer_of(module)]
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles() -> None:
    graph = imports(top_level_only=True)
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_checker_sees_an_upward_import() -> None:
    assert layer_of("translate.cli.app") > layer_of("translate.translation.pipeline")
    assert layer_of("translate.text.segment") < layer_of("translate.models.translator")
    assert "translate.cli.common" in imports()["translate.cli.app"]
