#!/bin/sh
# third_party/plotly-partial/build.sh — rebuilds plotly-partial.min.js (the
# plotly.js embedded in the page of flowsim report --html) and THIRD_PARTY.md
# from the npm registry, with the exact versions of package-lock.json.
# For maintainers only: libflow's build uses the committed file and never
# runs npm. Needs node >= 20 and npm. Works in a scratch directory, so no
# node_modules lands in the source tree.
#   sh third_party/plotly-partial/build.sh
# To move to another plotly.js: change the versions in package.json, run
#   npm install --package-lock-only --ignore-scripts
# here, then this script, then check the page (make check TESTS=tests/html.sh).
set -e
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$here/build.mjs" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund
node build.mjs
cp plotly-partial.min.js THIRD_PARTY.md "$here/"
cp node_modules/plotly.js/LICENSE "$here/LICENSE"
if grep -qi '</script' "$here/plotly-partial.min.js"; then
  echo "build.sh: plotly-partial.min.js holds </script: flowsim/embed_assets.sh will refuse it" >&2
  exit 1
fi
wc -c "$here/plotly-partial.min.js"
sha256sum "$here/plotly-partial.min.js"
