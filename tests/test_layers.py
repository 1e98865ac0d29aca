"""The apps stand in layers and import downward only (the contract in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_import_contracts_are_kept():
    """Layers, no app importing another's views, no service importing a task."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_every_app_is_installed_in_the_order_of_its_layer():
    """INSTALLED_APPS lists the apps bottom first, as the contract stacks them."""
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c["layers"] for c in contract["contracts"] if c["id"] == "layers"]
    order = {
        f"apps.{name.strip()}": rank
        for rank, layer in enumerate(reversed(layers))
        for name in layer.split("|")
    }
    installed = [app for app in settings.INSTALLED_APPS if app.startswith("apps.")]

    assert set(installed) == set(order)
    assert [order[app] for app in installed] == sorted(order[app] for app in installed)
