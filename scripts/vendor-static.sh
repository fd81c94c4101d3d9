#!/usr/bin/env bash
# Fetch the pinned front-end libraries from the npm registry into src/tugi/static/vendor/.
# They are served by Tugi itself (production networks are closed: no CDN). The files are not
# committed; `make` runs this once. npm checks each tarball's integrity against the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/tugi/static/vendor
stamp="$dest/.versions"
packages=(bootstrap@5.3.9 htmx.org@2.0.11)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${packages[*]}" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed once to fetch bootstrap and htmx (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "${packages[@]}" >/dev/null 2>&1 )
mkdir -p "$dest"
for tgz in "$tmp"/*.tgz; do
  tar -xzf "$tgz" -C "$tmp" package
  case "$(basename "$tgz")" in
    bootstrap-*)
      install -m 644 "$tmp/package/dist/css/bootstrap.min.css" "$dest/bootstrap.min.css"
      install -m 644 "$tmp/package/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap.bundle.min.js"
      install -m 644 "$tmp/package/LICENSE" "$dest/LICENSE.bootstrap" ;;
    htmx.org-*)
      install -m 644 "$tmp/package/dist/htmx.min.js" "$dest/htmx.min.js"
      install -m 644 "$tmp/package/LICENSE" "$dest/LICENSE.htmx" ;;
  esac
  rm -rf "$tmp/package"
done
echo "${packages[*]}" > "$stamp"
echo "vendored: ${packages[*]}"
