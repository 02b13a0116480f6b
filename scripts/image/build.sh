#!/usr/bin/env bash
# npm run image: build the gameday image with podman (no Docker daemon), tagged localhost/gameday:<version>
# and localhost/gameday:latest.
#
#   GAMEDAY_BASE_IMAGE=docker.io/library/node:24-bookworm-slim npm run image   # a public base instead
#   GAMEDAY_IMAGE=registry.example.com/gameday:1 npm run image                 # another tag as well
#
# Without GAMEDAY_BASE_IMAGE the base is made here (scripts/image/base.sh: Debian bookworm + the npm
# registry's Node 24, cached until its inputs change), so the build needs no container registry.
# The build context is staged in .tmp/image/: the packed package (what `npm pack` ships, built from this
# checkout's dist/) in app/, its production dependencies (npm ci --omit=dev, kept while package-lock.json
# is unchanged) in deps/. Prints the image's size and the build's duration at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/image/podman-env.sh
command -v podman >/dev/null || { echo "podman is not installed: apt-get install -y podman runc" >&2; exit 2; }

start=$(date +%s)
version="$(node -p 'require("./package.json").version')"
tag="localhost/gameday:$version"
stage=.tmp/image
mkdir -p "$stage"

base="${GAMEDAY_BASE_IMAGE:-}"
[ -n "$base" ] || base="$(bash scripts/image/base.sh)"

# The app: exactly what the npm package ships, from a fresh build.
[ -f dist/cli/main.js ] || { echo "dist/ is missing: npm run build first (npm run image does)" >&2; exit 2; }
rm -rf "$stage/context/app" "$stage/pack" && mkdir -p "$stage/context/app" "$stage/pack"
npm pack --silent --ignore-scripts --pack-destination "$stage/pack" >/dev/null
tar -xzf "$stage"/pack/*.tgz -C "$stage/context/app" --strip-components=1

# Production dependencies, installed once per package-lock.json (they are what it pins): a warm build
# installs nothing.
deps_key="$(sha256sum package-lock.json | cut -c1-16)"
deps="$stage/deps-$deps_key"
if [ ! -d "$deps/node_modules" ]; then
  echo "installing production dependencies for the image (npm ci --omit=dev)" >&2
  rm -rf "$stage"/deps-* && mkdir -p "$deps.partial"
  cp package.json package-lock.json "$deps.partial/"
  (cd "$deps.partial" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  # Type declarations and source maps are for editors and debuggers, not for running gameday.
  find "$deps.partial/node_modules" \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -type f -delete
  find "$deps.partial/node_modules" -type d -name dist-types -prune -exec rm -rf {} +
  # The AWS SDK ships each package twice: dist-cjs, which Node loads (their exports list "node" first),
  # and dist-es for bundlers. The import check below proves every dependency still loads without it.
  find "$deps.partial/node_modules" -type d -name dist-es -prune -exec rm -rf {} +
  (cd "$deps.partial" && node --input-type=module -e '
    const deps = Object.keys(JSON.parse(await (await import("node:fs/promises")).readFile("package.json", "utf8")).dependencies);
    for (const d of deps) await import(d);
    console.error(`image dependencies: all ${deps.length} load`);')
  rm -f "$deps.partial/package.json" "$deps.partial/package-lock.json"
  mv "$deps.partial" "$deps"
fi
# Hard links: the same files, no copy.
rm -rf "$stage/context/deps" && cp -al "$deps" "$stage/context/deps"

echo "building $tag on $base" >&2
previous="$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
# --network=host: the build's apt-get reaches Debian's mirrors through the host, with no container
# network to set up.
podman build --network=host --build-arg "BASE_IMAGE=$base" -f Containerfile -t "$tag" -t localhost/gameday:latest \
  ${GAMEDAY_IMAGE:+-t "$GAMEDAY_IMAGE"} "$stage/context" >&2
# The image this build replaces, untagged now, goes (unless a container still uses it).
current="$(podman image inspect --format '{{.Id}}' "$tag")"
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then podman rmi "$previous" >/dev/null 2>&1 || true; fi
size="$(podman image inspect --format '{{.Size}}' "$tag")"
echo "image $tag: $((size / 1000000)) MB, built in $(($(date +%s) - start)) s (base $base)"
