#!/usr/bin/env bash
# Regenerate the committed AsyncAPI 3.0 documents from the services' FastStream apps, one per directory under
# services/ (each has <service>/asyncapi.py).
# Usage: contracts/asyncapi/generate.sh [output-dir]   (CI compares a fresh run with the committed files)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-contracts/asyncapi}
documents=()
for directory in services/*/; do
  service=$(basename "$directory")
  [[ -f "$directory/pyproject.toml" ]] || continue  # the same services as devinfra.workspace finds
  uv run --quiet faststream docs gen "$service.asyncapi:app" --yaml --out "$out/$service.yaml" >/dev/null
  documents+=("$out/$service.yaml")
done
uv run --quiet python contracts/asyncapi/normalise.py "${documents[@]}"
