#!/usr/bin/env bash
# Install the project with its dev extra into a virtual environment (made if
# missing; VENV picks another one) and run the test suite headless.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
exec "$VENV/bin/python" -m pytest "$@"
