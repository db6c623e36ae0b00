#!/usr/bin/env bash
# Install the game into a virtual environment (made if missing; VENV picks
# another one) and run it. Arguments go to the game: scripts/play.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e .
exec "$VENV/bin/python" -m game "$@"
