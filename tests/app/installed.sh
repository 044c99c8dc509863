#!/usr/bin/env bash
# Install the .deb that scripts/package.sh built (as root: dpkg and apt for its
# dependencies) and run the end-to-end suite's patient steps against the installed app
# (/usr/bin/zkdx-app, its models found in /usr/lib/zkDx/models, not in this clone).
# Not in CI: it needs the release package first. Usage: ZKDX_BUNDLES=deb scripts/package.sh
# && tests/app/installed.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
deb=$(ls -t "$root"/target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "installed: no .deb in target/release/bundle/deb; run scripts/package.sh first" >&2; exit 2; }
apt-get install -y --no-install-recommends "$deb" >/dev/null
pkg=$(dpkg-deb -f "$deb" Package)
app=$(dpkg -L "$pkg" | grep '^/usr/bin/' | head -n1)
echo "installed: $deb → $app, with $(dpkg -L "$pkg" | grep -c '/models/.*\.onnx$') models"
ZKDX_APP="$app" ZKDX_E2E_ONLY="patient:" env -u ZKDX_MODELS "$root/tests/app/run.sh"
