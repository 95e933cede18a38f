"""Shared set-up of the report tests: scripts/ on the import path, and a
visible skip (CTest's SKIP_RETURN_CODE 77) when Debian's matplotlib is missing."""
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
SCRIPTS = os.path.normpath(os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, SCRIPTS)

if importlib.util.find_spec("matplotlib") is None:
    print(f"SKIP: matplotlib is not importable by {sys.executable} "
          "(Debian's python3-matplotlib; make deps installs it)")
    sys.exit(77)


def load_rows(folder, pattern="*.jsonl"):
    """{run id: [rows]} of the FOLDER/PATTERN files, as bench-report reads raw/."""
    raw = {}
    for path in sorted(glob.glob(os.path.join(folder, pattern))):
        with open(path, encoding="utf-8") as f:
            raw[os.path.basename(path)[:-len(".jsonl")]] = [json.loads(line) for line in f if line.strip()]
    return raw


def png_size(path):
    """(width, height) from a PNG's own header, or None if it is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def bench_report(*args):
    """scripts/bench-report ARGS..., its output captured."""
    return subprocess.run([os.path.join(SCRIPTS, "bench-report"), *args], capture_output=True, text=True,
                          timeout=120)


def report_from_fixtures(folder, strategies=False, speed=False):
    """bench-report on a copy of fixtures/raw in FOLDER/raw (2 repetitions of
    2 s phases asked, as they were recorded), with the recorded NAPI
    strategies run (fixtures/strategies/) and the speed section's 2 pairs
    (fixtures/speed/, 5 s phases) beside it if asked; the finished process."""
    raw = os.path.join(folder, "raw")
    shutil.copytree(os.path.join(FIXTURES, "raw"), raw)
    for wanted, sub, pattern in ((strategies, "strategies", "strategies-*"), (speed, "speed", "speed-*")):
        if wanted:
            for path in glob.glob(os.path.join(FIXTURES, sub, pattern)):
                shutil.copy(path, raw)
    return bench_report(folder, "2", "2", "2", "5") if speed else bench_report(folder, "2", "2")
