#!/usr/bin/env bash
# npm test: build, typecheck and lint, then every test tier in turn (unit, integration, aws, k8s).
# A failing tier does not stop the ones after it, so one run reports every tier; the exit status is
# non-zero when any step failed. The image tier needs podman and runs on its own (npm run test:image).
set -uo pipefail
npm run build && npm run typecheck && npm run lint || exit $?
failed=()
for tier in unit integration aws k8s; do
  npm run "test:$tier" || failed+=("$tier")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "npm test: tiers that failed: ${failed[*]}" >&2
  exit 1
fi
