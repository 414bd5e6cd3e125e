"""Print which Lifelong apps import which, as text: one line per app, its dependencies in layer
order, then the cycles between apps (none is the rule; `make lint` enforces it with the
import-linter contracts in pyproject.toml).

Reads the same import graph as import-linter (grimp, installed with it): every import in
production code, those inside functions included; tests, migrations and imports under
`if TYPE_CHECKING:` are left out, as the contracts leave them out.

    .venv/bin/python scripts/app_graph.py            # the graph
    .venv/bin/python scripts/app_graph.py --modules  # and the modules behind each edge
"""

import argparse
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "lifelong"


def layer_order() -> list[str]:
    """The apps from the top layer down, as the layers contract lists them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    return [name.split(".")[1] for layer in contract["layers"] for name in layer.replace("|", " ").split()]


def app_edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → the "module > module" imports behind it."""
    edges = defaultdict(list)
    for importer in sorted(graph.modules):
        parts = importer.split(".")
        if len(parts) < 2 or {"tests", "migrations"} & set(parts):
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target = imported.split(".")
            if target[0] == PACKAGE and len(target) > 1 and target[1] != parts[1]:
                edges[(parts[1], target[1])].append(f"{importer} > {imported}")
    return edges


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan's algorithm)."""
    successors = defaultdict(set)
    for source, target in edges:
        successors[source].add(target)
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for nxt in sorted(successors[app]):
            if nxt not in index:
                visit(nxt)
                low[app] = min(low[app], low[nxt])
            elif nxt in on_stack:
                low[app] = min(low[app], index[nxt])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(successors):
        if app not in index:
            visit(app)
    return groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="list the imports behind each edge")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(PACKAGE, cache_dir=None, exclude_type_checking_imports=True)
    edges = app_edges(graph)
    order = layer_order()
    rank = {app: position for position, app in enumerate(order)}
    apps = sorted({app for edge in edges for app in edge}, key=lambda app: rank.get(app, -1))
    for app in apps:
        needs = sorted((target for source, target in edges if source == app), key=lambda t: rank.get(t, -1))
        print(f"{app:14} -> {', '.join(needs) or '(nothing)'}")
        if args.modules:
            for target in needs:
                for line in edges[(app, target)]:
                    print(f"{'':17}{line}")
    found = cycles(edges)
    print(f"cycles between apps: {len(found)}")
    for group in found:
        print("  " + " ⇄ ".join(group))
    return 0


if __name__ == "__main__":
    sys.exit(main())
