"""Copy the dashboard's front-end libraries from webassets/node_modules into the package.

Run after `npm ci --prefix webassets` when a version in webassets/package.json changes; the
copied files are committed, so installing or running Flashpoint needs neither npm nor a network.
Each library's licence file is copied beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "webassets" / "node_modules"
VENDOR = ROOT / "src" / "flashpoint" / "web" / "static" / "vendor"

SOURCE_MAP_COMMENTS = (b"//# sourceMappingURL", b"/*# sourceMappingURL")

# (package, file inside the package, name under vendor/<package>/)
FILES: list[tuple[str, str, str]] = [
    ("leaflet", "dist/leaflet.js", "leaflet.js"),
    ("leaflet", "dist/leaflet.css", "leaflet.css"),
    ("leaflet", "LICENSE", "LICENSE"),
    ("leaflet.markercluster", "dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
    ("leaflet.markercluster", "dist/MarkerCluster.css", "MarkerCluster.css"),
    ("leaflet.markercluster", "dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
    ("leaflet.markercluster", "MIT-LICENCE.txt", "LICENSE"),
    ("topojson-client", "dist/topojson-client.min.js", "topojson-client.min.js"),
    ("topojson-client", "LICENSE", "LICENSE"),
    # Natural Earth admin-0 country outlines at 1:50m (public domain), as TopoJSON.
    ("world-atlas", "countries-50m.json", "countries-50m.json"),
    ("world-atlas", "LICENSE", "LICENSE"),
    ("chart.js", "dist/chart.umd.js", "chart.umd.js"),
    ("chart.js", "LICENSE.md", "LICENSE"),
    ("cytoscape", "dist/cytoscape.min.js", "cytoscape.min.js"),
    ("cytoscape", "LICENSE", "LICENSE"),
    # The API docs page (/docs): FastAPI's default loads these from a CDN.
    ("swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui-bundle.js"),
    ("swagger-ui-dist", "swagger-ui.css", "swagger-ui.css"),
    ("swagger-ui-dist", "favicon-32x32.png", "favicon-32x32.png"),
    ("swagger-ui-dist", "LICENSE", "LICENSE"),
    ("swagger-ui-dist", "NOTICE", "NOTICE"),
]


def main() -> int:
    if not MODULES.is_dir():
        print(f"{MODULES}: missing; run `npm ci --prefix webassets` first", file=sys.stderr)
        return 1
    for package, source, target in FILES:
        src = MODULES / package / source
        if not src.is_file():
            print(f"{src}: missing (is webassets/package.json installed?)", file=sys.stderr)
            return 1
        dest = VENDOR / package / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_bytes()
        if target.endswith((".js", ".css")):
            # Drop source-map comments: the maps are not shipped, and a browser would ask for them.
            text = b"\n".join(
                line
                for line in text.split(b"\n")
                if not line.startswith((b"//# sourceMappingURL", b"/*# sourceMappingURL"))
            )
        dest.write_bytes(text)
        print(f"{dest.relative_to(ROOT)}  {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
