"""matching/ is a plain library: importing and using it must not import Django."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_matching_does_not_import_django():
    code = ("import sys, matching, matching.compare, matching.index, matching.linkage, matching.model, "
            "matching.names, matching.phonetic, matching.records, matching.scripts, matching.transcribe\n"
            "from matching import Record, link\n"
            "link([Record('a', 'Harpreet Singh')], [Record('b', 'СИНГХ ХАРПРИТ')])\n"
            "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.') "
            "or m.startswith('homeward'))\n"
            "print(bad); sys.exit(1 if bad else 0)")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
