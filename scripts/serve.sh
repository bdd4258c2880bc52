#!/usr/bin/env bash
# Set up, build and serve the explainer on 127.0.0.1 (default port 8000).
# Usage: scripts/serve.sh [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8000}
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=${2:?--port needs a number}; shift 2 ;;
    *) echo "serve.sh: unknown argument '$1' (allowed: --port N)" >&2; exit 2 ;;
  esac
done
case "$port" in
  ''|*[!0-9]*) echo "serve.sh: port '$port' is not a number (1..65535)" >&2; exit 2 ;;
esac
bash scripts/setup.sh
bash scripts/build-web.sh
echo "Serving TCP Crash Lab at http://127.0.0.1:$port/ (Ctrl-C to stop)"
exec python3 -m http.server --bind 127.0.0.1 "$port" --directory dist
