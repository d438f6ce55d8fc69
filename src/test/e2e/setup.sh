#!/usr/bin/env bash
# Prepares the end-to-end test of the demo page:
#  - Debian's Chromium at /usr/bin/chromium (never a browser downloaded by a test tool),
#  - the Node dependencies pinned in package-lock.json (playwright-core only).
# Safe to run repeatedly: each step is skipped when already done.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  echo "setup: $chromium missing, installing Debian's chromium package"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to run apt-get (or set CHROMIUM_PATH to an installed Chromium)" >&2
    exit 1
  fi
  # One apt-get at a time: the test PostgreSQL's install may run beside this one (dpkg's lock would fail it).
  exec 9>/var/lock/roomcast-apt.lock
  flock 9
  if [ ! -x "$chromium" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
  fi
  exec 9>&-
fi
"$chromium" --version 2>/dev/null || true

cd "$here"
# Several test classes run this, maybe at once (DemoPageIT, DemoPageDurableRestartIT, AdminPageIT): one npm ci at a time.
exec 8<package-lock.json
flock 8
# playwright-core never downloads a browser; this guard is for any other package that might try.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ -d node_modules/playwright-core ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "setup: node_modules up to date"
else
  npm ci --no-audit --no-fund
fi
echo "setup: done"
