#!/usr/bin/env bash
# Installs the client library tests' one dependency, ws (Node 20 has no global WebSocket), as
# pinned in package-lock.json, from the npm registry. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ -d node_modules/ws ] && [ -d node_modules/ajv ] && [ -d node_modules/yaml ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "setup: node_modules up to date"
else
  npm ci --no-audit --no-fund
fi
echo "setup: done"
