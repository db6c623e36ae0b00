"""``tomllib`` from the standard library on Python 3.11+, its backport ``tomli`` on 3.10.

The one place for that import: every data reader imports ``tomllib`` from here.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["tomllib"]
