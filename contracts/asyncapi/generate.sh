#!/usr/bin/env bash
# Regenerate the committed AsyncAPI 3.0 documents from the services' FastStream apps, one per directory under
# services/ (each has <service>/asyncapi.py).
# Usage: contracts/asyncapi/generate.sh [output-dir]   (CI compares a fresh run with the committed files)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-contracts/asyncapi}
documents=()
generating=()
for directory in services/*/; do
  service=$(basename "$directory")
  [[ -f "$directory/pyproject.toml" ]] || continue  # the same services as devinfra.workspace finds
  # Side by side: each is a process of its own, mostly starting Python and importing its service.
  uv run --quiet faststream docs gen "$service.asyncapi:app" --out "$out/$service.json" >/dev/null &
  generating+=($!)
  documents+=("$out/$service.json")
done
for pid in "${generating[@]}"; do
  wait "$pid"  # a failure fails the script (set -e)
done
uv run --quiet python contracts/asyncapi/normalise.py "${documents[@]}"
