#!/usr/bin/env bash
# Installs the AsyncAPI parser pinned in package-lock.json (npm registry only). Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ -d node_modules/@asyncapi/parser ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "setup: node_modules up to date"
else
  npm ci --no-audit --no-fund
fi
