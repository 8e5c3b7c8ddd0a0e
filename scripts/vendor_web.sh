#!/usr/bin/env bash
# Refreshes the third-party assets vendored under web/vendor/ from pinned npm packages:
#   maplibre-gl@6.17.0        -> web/vendor/maplibre-gl/  (BSD-3-Clause)
#   @fontsource/noto-sans@5.3.0 -> web/vendor/fonts/      (OFL-1.1; latin, latin-ext, cyrillic, cyrillic-ext; 400 + 700)
# Needs only `npm` (registry access). Usage: scripts/vendor_web.sh
set -euo pipefail

MAPLIBRE_VERSION=6.17.0
NOTO_VERSION=5.3.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # fetch <spec> <dir>: npm pack + unpack into <dir>/package
    mkdir -p "$2"
    (cd "$2" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
}

fetch "maplibre-gl@${MAPLIBRE_VERSION}" "$work/maplibre"
fetch "@fontsource/noto-sans@${NOTO_VERSION}" "$work/noto"

ml="$root/web/vendor/maplibre-gl"
rm -rf "$ml" && mkdir -p "$ml"
src="$work/maplibre/package"
# The main module loads maplibre-gl-worker.mjs from beside itself: keep both together.
cp "$src/dist/maplibre-gl.mjs" "$src/dist/maplibre-gl-worker.mjs" "$src/dist/maplibre-gl.css" "$ml/"
cp "$src/LICENSE.txt" "$ml/LICENSE.txt"
echo "$MAPLIBRE_VERSION" > "$ml/VERSION"

fonts="$root/web/vendor/fonts"
rm -rf "$fonts" && mkdir -p "$fonts"
for subset in latin latin-ext cyrillic cyrillic-ext; do
    for weight in 400 700; do
        cp "$work/noto/package/files/noto-sans-${subset}-${weight}-normal.woff2" "$fonts/"
    done
done
cp "$work/noto/package/LICENSE" "$fonts/LICENSE-OFL.txt"
echo "@fontsource/noto-sans ${NOTO_VERSION}" > "$fonts/VERSION"

echo "vendored maplibre-gl ${MAPLIBRE_VERSION} and noto-sans ${NOTO_VERSION} into web/vendor/"
du -sh "$ml" "$fonts"
