#!/usr/bin/env bash
# Developer-only: fetch GOV.UK Frontend, htmx and axe-core from the npm registry and write the built files Plaint
# ships (and the test asset) with a VENDORED.md each. Needs Node and npm; installing or running Plaint never does.
# Run it through `make vendor-frontend`; change a version below, run it, look at the diff, commit.
set -euo pipefail
GOVUK_VERSION=6.6.0
HTMX_VERSION=2.0.11
AXE_VERSION=4.14.1
SASS_VERSION=1.108.2

root="$(cd "$(dirname "$0")/.." && pwd)"
static="$root/src/plaint/web/static/web"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

npm pack --silent "govuk-frontend@$GOVUK_VERSION" "htmx.org@$HTMX_VERSION" "axe-core@$AXE_VERSION" >/dev/null
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --ignore-scripts "sass@$SASS_VERSION" "./govuk-frontend-$GOVUK_VERSION.tgz"
mkdir htmx axe && tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx && tar xzf "axe-core-$AXE_VERSION.tgz" -C axe

sha() { sha256sum "$1" | cut -d' ' -f1; }

# GOV.UK Frontend: our own Sass entry (system fonts, no GOV.UK header or footer) and the package's built JavaScript.
govuk="$static/govuk-frontend-$GOVUK_VERSION"
rm -rf "$static"/govuk-frontend-* && mkdir -p "$govuk"
node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
    "$root/src/plaint/web/frontend/govuk.scss" "$govuk/govuk-frontend.min.css"
# The module ends with a source map comment whose file we do not ship.
sed 's|//# sourceMappingURL=.*$||' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js > "$govuk/govuk-frontend.min.js"
cat > "$govuk/LICENSE" <<'TXT'
The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
TXT
cat > "$govuk/VENDORED.md" <<MD
# GOV.UK Frontend $GOVUK_VERSION (built by \`make vendor-frontend\`)

- Source: npm package \`govuk-frontend@$GOVUK_VERSION\`, sha256 of the tarball $(sha "govuk-frontend-$GOVUK_VERSION.tgz")
- Licence: MIT (the package's \`license\` field; the project's LICENSE.txt is copied as LICENSE beside this file).
- \`govuk-frontend.min.css\`: compiled with Sass $SASS_VERSION from \`src/plaint/web/frontend/govuk.scss\` (system
  font stack, no GDS Transport font face, neither the GOV.UK header nor the footer with its crest), sha256 $(sha "$govuk/govuk-frontend.min.css")
- \`govuk-frontend.min.js\`: the package's \`dist/govuk/govuk-frontend.min.js\` (an ES module exporting \`initAll\`), source
  map comment removed, sha256 $(sha "$govuk/govuk-frontend.min.js")
MD

hx="$static/htmx-$HTMX_VERSION"
rm -rf "$static"/htmx-* && mkdir -p "$hx"
cp htmx/package/dist/htmx.min.js "$hx/htmx.min.js"
cp htmx/package/LICENSE "$hx/LICENSE"
cat > "$hx/VENDORED.md" <<MD
# htmx $HTMX_VERSION (copied by \`make vendor-frontend\`)

- Source: npm package \`htmx.org@$HTMX_VERSION\`, sha256 of the tarball $(sha "htmx.org-$HTMX_VERSION.tgz")
- Licence: 0BSD (LICENSE beside this file).
- \`htmx.min.js\`: the package's \`dist/htmx.min.js\`, sha256 $(sha "$hx/htmx.min.js")
MD

# axe-core: a test asset only (injected by the browser tests), never shipped.
axe_dir="$root/tests/web/assets/axe-core-$AXE_VERSION"
rm -rf "$root"/tests/web/assets/axe-core-* && mkdir -p "$axe_dir"
cp axe/package/axe.min.js axe/package/LICENSE "$axe_dir/"
cat > "$axe_dir/VENDORED.md" <<MD
# axe-core $AXE_VERSION (copied by \`make vendor-frontend\`; used by the browser tests only)

- Source: npm package \`axe-core@$AXE_VERSION\`, sha256 of the tarball $(sha "axe-core-$AXE_VERSION.tgz")
- Licence: MPL-2.0 (LICENSE beside this file).
- \`axe.min.js\`: the package's \`axe.min.js\`, sha256 $(sha "$axe_dir/axe.min.js")
MD
echo "vendored govuk-frontend $GOVUK_VERSION, htmx $HTMX_VERSION, axe-core $AXE_VERSION"
