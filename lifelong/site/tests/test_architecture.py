"""The import-linter contracts (pyproject.toml, run by `make lint`) cover the whole tree: every
app has its place in the layers, and every page, URL map and API module of a feature app is
private to it. A new app or a new `*_views.py` that the contracts do not name fails here."""

import re
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRIVATE_MODULE = re.compile(r"(^|_)(views|urls|api)$")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _private_modules(app_dir: Path) -> set[str]:
    """The dotted names of an app's page, URL map and API modules (a package counts whole)."""
    found = set()
    for path in app_dir.rglob("*"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if {"tests", "migrations", "__pycache__"} & set(parts):
            continue
        is_module = path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists())
        if is_module and PRIVATE_MODULE.search(parts[-1]):
            found.add(".".join(parts))
    # A module inside a protected package is protected with it.
    return {m for m in found if not any(m.startswith(other + ".") for other in found)}


def test_every_app_has_its_place_in_the_layers():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    listed = {name for layer in layers for name in re.split(r"[|:\s]+", layer) if name}
    ours = {config.name for config in apps.get_app_configs() if config.name.startswith("lifelong.")}
    assert ours <= listed


def test_every_page_url_map_and_api_module_is_private_to_its_app():
    protected = {c["id"]: set(c["protected_modules"]) for c in _contracts() if c["type"] == "protected"}
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    feature_apps = [name.split(".")[1] for name in layers if name not in ("lifelong.site", "lifelong.common")]
    for app in feature_apps:
        assert protected.get(f"private-pages-{app}") == _private_modules(ROOT / "lifelong" / app), app
