#!/usr/bin/env bash
# Regenerates packages/contracts/src/gen from proto/ (the generated code is committed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
buf="$root/packages/contracts/node_modules/.bin/buf"
cd "$root/proto"
rm -rf "$root/packages/contracts/src/gen"
"$buf" lint
"$buf" generate
