"""Print every function longer than a limit (default 60 lines) in the given files and folders.

    python scripts/long_functions.py lifelong scripts config
    python scripts/long_functions.py --max 80 --exclude '*/tests/*' lifelong

A function's length runs from its `def` line to its last line (decorators not counted; its
docstring, comments and blank lines inside it are). Nested functions and methods are reported
on their own, by qualified name. Migrations are skipped unless `--exclude` replaces the default.
Exits 1 when any function is too long, so `make lint` can run it.
"""

import argparse
import ast
import fnmatch
import sys
from collections.abc import Iterator
from pathlib import Path

DEFAULT_MAX = 60
DEFAULT_EXCLUDE = ("*/migrations/*",)


def python_files(paths: list[str], exclude: tuple[str, ...]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        candidates = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for candidate in candidates:
            if not any(fnmatch.fnmatch(candidate.as_posix(), pattern) for pattern in exclude):
                yield candidate


def long_functions(path: Path, limit: int) -> Iterator[tuple[int, str, int]]:
    """(line, qualified name, length) of each function in `path` longer than `limit` lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[int, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                length = (child.end_lineno or child.lineno) - child.lineno + 1
                if length > limit:
                    yield child.lineno, name, length
                yield from visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="+", help="files or folders (searched for *.py)")
    parser.add_argument("--max", type=int, default=DEFAULT_MAX, help=f"longest allowed (default {DEFAULT_MAX})")
    parser.add_argument(
        "--exclude",
        action="append",
        help="glob of paths to skip (repeatable; default: */migrations/*)",
    )
    args = parser.parse_args(argv)
    exclude = tuple(args.exclude) if args.exclude else DEFAULT_EXCLUDE
    found = 0
    for path in python_files(args.paths, exclude):
        for line, name, length in long_functions(path, args.max):
            print(f"{path}:{line}: {name} is {length} lines (at most {args.max})")
            found += 1
    if found:
        print(f"{found} function(s) longer than {args.max} lines", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
