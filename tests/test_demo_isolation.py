"""Demo-only code lives in the `demo` app; the product apps never reach into it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_APPS = ("home", "billing", "members", "cms")
SETTINGS = ROOT / "cms" / "settings"  # INSTALLED_APPS names the app: the one tie allowed


def _demo_imports(source: str) -> list[str]:
    """Every import of the `demo` package in a module: `import demo…`, `from demo… import`,
    `from . import demo` and a dotted name handed to importlib as a string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "demo"]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and module.split(".")[0] == "demo":
                found.append(module)
            elif node.level > 0 and any(alias.name == "demo" for alias in node.names):
                found.append("." * node.level + "demo")
        elif isinstance(node, ast.Constant) and str(node.value).split(".")[0] in ("demo", "load_demo"):
            found.append(repr(node.value))
    return found


@pytest.mark.parametrize("app", PRODUCT_APPS)
def test_product_apps_do_not_import_the_demo(app):
    modules = [path for path in (ROOT / app).rglob("*.py") if path.parent != SETTINGS]
    assert modules
    offenders = {
        str(path.relative_to(ROOT)): imports
        for path in modules
        if (imports := _demo_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_check_sees_each_way_of_importing_the_demo():
    sources = [
        "import demo.home",
        "from demo.billing import load_demo",
        "from demo import members",
        "from .. import demo",
        "importlib.import_module('demo.home')",
        "call_command('load_demo')",
    ]
    for source in sources:
        assert _demo_imports(source), source
    assert not _demo_imports("from home.models import HomePage\nDEMO = 'демо'\n")


def test_the_demo_app_holds_the_demo_and_its_command():
    demo = ROOT / "demo"
    for name in ("home.py", "instruction.py", "billing.py", "members.py", "management/commands/load_demo.py"):
        assert (demo / name).is_file(), name
    for app in ("home", "billing", "members"):
        assert not (ROOT / app / "demo.py").exists(), app
    assert not (ROOT / "home" / "instruction.py").exists()
