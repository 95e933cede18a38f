"""Shared set-up of the report tests: scripts/ on the import path, and a
visible skip (CTest's SKIP_RETURN_CODE 77) when Debian's matplotlib is missing."""
import os
import sys

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
SCRIPTS = os.path.normpath(SCRIPTS)
sys.path.insert(0, SCRIPTS)

try:
    import matplotlib  # noqa: F401
except ImportError:
    print(f"SKIP: matplotlib is not importable by {sys.executable} "
          "(Debian's python3-matplotlib; make deps installs it)")
    sys.exit(77)
