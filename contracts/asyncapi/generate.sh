#!/usr/bin/env bash
# Regenerate the committed AsyncAPI 3.0 documents from the services' FastStream apps.
# Usage: contracts/asyncapi/generate.sh [output-dir]   (CI compares a fresh run with the committed files)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-contracts/asyncapi}
for service in profiles matching events notifications; do
  uv run --quiet faststream docs gen "$service.asyncapi:app" --yaml --out "$out/$service.yaml" >/dev/null
done
uv run --quiet python contracts/asyncapi/normalise.py "$out"/{profiles,matching,events,notifications}.yaml
