"""The import contract (pyproject.toml, `lint-imports`) holds on this tree and catches a
forbidden import, a function-level one included."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "kursus", "sertifikat", "kuesioner", "laporan", "program", "integrasi")
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the code and its contract, to break."""
    for package in PACKAGES:
        shutil.copytree(
            BASE / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(BASE / "pyproject.toml", tmp_path)
    (tmp_path / "tests").mkdir()
    for name in ("__init__.py", "import_contracts.py"):  # the contract type of our own
        shutil.copy(BASE / "tests" / name, tmp_path / "tests" / name)
    return tmp_path


def add_function(tree: Path, module: str, statement: str) -> None:
    """Append to `module` a function whose body imports: grimp must see it."""
    with open(tree / module, "a", encoding="utf-8") as fh:
        fh.write(f"\n\ndef _added_for_the_test():\n    {statement}\n")


def test_the_contract_holds_on_this_tree():
    result = lint_imports(BASE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_passes_before_it_is_broken(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


LAYERS = (
    "Apps depend one way: lms.core < lms.akun < lms.organisasi < sertifikat < kuesioner < kursus "
    "< program < laporan, integrasi"
)
CORE = "lms.core is infrastructure and imports no app"
BERANDA = "Nothing imports lms.beranda"
ACYCLIC = "No import cycles between the modules of a package"
MODULES = "No module reaches itself through its imports"


@pytest.mark.parametrize(
    ("module", "statement", "contract", "why"),
    [
        (
            "sertifikat/selectors.py",
            "import kursus.models",
            LAYERS,
            "sertifikat is not allowed to import kursus",
        ),
        (
            "lms/akun/models.py",
            "from lms.organisasi.models import Employee",
            LAYERS,
            "lms.akun is not allowed to import lms.organisasi",
        ),
        ("lms/core/cache.py", "import laporan.models", CORE, "lms.core.cache -> laporan.models"),
        ("kursus/views.py", "import lms.beranda.views", BERANDA, "kursus.views -> lms.beranda"),
        (
            "lms/organisasi/imports/jobs.py",
            "from lms.organisasi.tasks import employee_import_task",
            ACYCLIC,
            "No cycles are allowed in lms.organisasi",
        ),
        (
            "kursus/selectors.py",
            "from kursus.services import lesson_complete",
            MODULES,
            "kursus.selectors -> kursus.services",
        ),
    ],
)
def test_a_forbidden_import_inside_a_function_breaks_the_contract(
    tree, module, statement, contract, why
):
    add_function(tree, module, statement)

    result = lint_imports(tree)

    output = " ".join(result.stdout.split())
    assert result.returncode == 1, output + result.stderr
    assert f"{contract} BROKEN" in output
    assert why in output
