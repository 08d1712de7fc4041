import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tabular_imports_no_django():
    # A fresh interpreter: pytest-django has already imported Django into this one.
    code = ("import tabular, sys; import tabular.reading, tabular.writing; "
            "assert not any(m.startswith('django') for m in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_no_django_import_statements():
    pattern = re.compile(r"^\s*(import|from)\s+django\b", re.MULTILINE)
    for path in (ROOT / "tabular").glob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path
