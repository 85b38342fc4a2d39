"""The layers, read from the source: ``core`` imports no app; an app imports another app's
models, selectors and services, never its api, views, forms or urls; no router imports
the API root that assembles them.

Every package under src/dealercare except ``core`` is an app, so an app added later is
checked without touching this file.
"""

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "src" / "dealercare"
APPS = sorted(
    p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").exists() and p.name != "core"
)
PAGE_AND_API_MODULES = {"api", "views", "forms", "urls"}
KNOWN_CORE_TO_APP = {
    "dealercare.core.templatetags.dealercare": (
        "the audit labels read customers.models.Channel; the `audit` helper replaces them "
        "by an event registry each app fills from its AppConfig.ready()"
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module a source imports, relative imports resolved; ``from x import y`` counts
    as importing both ``x`` and ``x.y`` (``y`` may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules_of(package: str) -> list[Path]:
    return sorted((PACKAGE_DIR / package).rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    return imported_modules(
        path.read_text(), module_name(path), is_package=path.name == "__init__.py"
    )


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "dealercare" and parts[1] in APPS:
        return parts[1]
    return None


def is_page_or_api(module: str) -> bool:
    room = module.split(".")[2:3]
    return bool(room) and (room[0] in PAGE_AND_API_MODULES or room[0].endswith("_api"))


def _core_params():
    for path in modules_of("core"):
        name = module_name(path)
        reason = KNOWN_CORE_TO_APP.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(path, id=name, marks=marks)


def test_the_reader_resolves_relative_and_submodule_imports():
    source = "import os\nfrom . import views\nfrom ..vehicles.selectors import x\n"
    found = imported_modules(source, "dealercare.customers.api")
    assert {"os", "dealercare.customers.views", "dealercare.vehicles.selectors.x"} <= found
    assert "dealercare.customers.forms" in imported_modules(
        "from .forms import F", "dealercare.customers", is_package=True
    )


def test_the_apps_are_found():
    assert {"customers", "vehicles", "analytics"} <= set(APPS)
    assert len(modules_of("core")) > 10


@pytest.mark.parametrize("path", _core_params())
def test_core_imports_no_app(path):
    assert sorted(m for m in imports_of(path) if app_of(m)) == []


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_no_other_apps_pages_or_api(app):
    wrong = {
        f"{module_name(path)} → {imported}"
        for path in modules_of(app)
        for imported in imports_of(path)
        if app_of(imported) not in (None, app) and is_page_or_api(imported)
    }
    assert sorted(wrong) == []


@pytest.mark.parametrize("package", ["core", *APPS])
def test_no_router_imports_the_api_root(package):
    wrong = {
        module_name(path)
        for path in modules_of(package)
        if any(m == "dealercare.api" or m.startswith("dealercare.api.") for m in imports_of(path))
    }
    assert sorted(wrong) == []


def test_the_login_page_does_not_load_the_demo_data():
    """The demo loader imports Faker and every app; the login page needs only the accounts."""
    imported = imports_of(PACKAGE_DIR / "core" / "views.py")
    assert not any("demo_data" in m or "management" in m or "faker" in m for m in imported)
