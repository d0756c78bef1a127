"""The dashboard: one HTML page, its script and styles, and vendored libraries under static/.

Everything the page loads is served from this package: no CDN, no tile server. The vendored
files come from npm at build time (scripts/vendor_web_assets.py) and are committed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STATIC_DIR = Path(str(resources.files("flashpoint.web") / "static"))
INDEX_HTML = STATIC_DIR / "index.html"
# docs/codebook.md, copied here by `python -m flashpoint.codebook` (served at /codebook).
CODEBOOK = STATIC_DIR / "codebook.md"
