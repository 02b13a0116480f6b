#!/usr/bin/env bash
# The image's base, made here without any container registry: Debian bookworm (mmdebstrap minbase) plus
# the Node 24 binary the npm registry serves (the `node` package `npm ci` installs into node_modules).
# It is cached as localhost/gameday-base:<inputs>, where <inputs> hashes everything it is made from (this
# script, the Debian suite and mirrors, the Node binary), so it is made again only when one of them
# changes; GAMEDAY_IMAGE_REBUILD_BASE=1 makes it again anyway (e.g. for Debian's security updates).
# Its root filesystem is also kept as a tar in ${GAMEDAY_CACHE_DIR:-~/.cache/gameday} (next to the
# Kubernetes fixture's binaries), so a machine whose podman storage is new (CI restoring that cache)
# imports it in seconds instead of running mmdebstrap for minutes.
# Prints the image reference on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/image/podman-env.sh

SUITE=bookworm
MIRRORS=(
  "deb http://deb.debian.org/debian $SUITE main"
  "deb http://deb.debian.org/debian $SUITE-updates main"
  "deb http://deb.debian.org/debian-security $SUITE-security main"
)

node_bin="$(readlink -f node_modules/.bin/node 2>/dev/null || true)"
if [ -z "$node_bin" ] || [ ! -x "$node_bin" ]; then
  echo "no Node binary in node_modules/.bin/node: run npm ci first (it installs Node 24 from the npm registry)" >&2
  exit 2
fi
node_version="$("$node_bin" --version)"
case "$node_version" in
  v24.*) ;;
  *) echo "node_modules/.bin/node is $node_version; the image carries Node 24" >&2; exit 2 ;;
esac

inputs="$( {
  sha256sum scripts/image/base.sh scripts/image/dpkg-slim.cfg | cut -d' ' -f1
  printf '%s\n' "$SUITE" "${MIRRORS[@]}"
  sha256sum "$node_bin" | cut -d' ' -f1
} | sha256sum | cut -c1-16)"
ref="localhost/gameday-base:$inputs"
cache_root="${GAMEDAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday}"
rootfs="$cache_root/image-base-$inputs.tar"

if [ "${GAMEDAY_IMAGE_REBUILD_BASE:-}" != 1 ] && podman image exists "$ref"; then
  echo "base image $ref is current (Debian $SUITE minbase, Node $node_version)" >&2
  echo "$ref"
  exit 0
fi

# What podman import records about the base: its PATH, its default command, where it comes from.
import_base() {
  podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' \
    --change "LABEL org.opencontainers.image.description=Debian $SUITE minbase with Node $node_version" \
    --change "LABEL dev.gameday.base.inputs=$inputs" \
    --quiet "$1" "$ref" >/dev/null
}

if [ "${GAMEDAY_IMAGE_REBUILD_BASE:-}" != 1 ] && [ -s "$rootfs" ]; then
  start=$(date +%s)
  import_base "$rootfs"
  echo "base image $ref imported from $rootfs in $(( $(date +%s) - start )) s" >&2
  echo "$ref"
  exit 0
fi

command -v mmdebstrap >/dev/null || { echo "mmdebstrap is not installed: apt-get install -y mmdebstrap" >&2; exit 2; }
echo "making base image $ref: Debian $SUITE minbase + Node $node_version (mmdebstrap; a few minutes)" >&2
start=$(date +%s)
mkdir -p "$cache_root"
# dpkg-slim.cfg keeps documentation out, here and (copied into the image) in the Containerfile's apt
# installs. apt stays: the Containerfile installs postgresql-client with it. The Node binary is the
# registry's, unmodified. Written aside and renamed when complete, so a cut-off run leaves no half tar.
mmdebstrap --variant=minbase --format=tar --quiet \
  --dpkgopt=scripts/image/dpkg-slim.cfg \
  --customize-hook='copy-in scripts/image/dpkg-slim.cfg /etc/dpkg/dpkg.cfg.d' \
  --customize-hook="copy-in $node_bin /usr/local/bin" \
  --customize-hook='chroot "$1" node --version >/dev/null' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$SUITE" "$rootfs.partial" "${MIRRORS[@]}"
rm -f "$cache_root"/image-base-*.tar
mv "$rootfs.partial" "$rootfs"
import_base "$rootfs"
# Bases made from older inputs are of no use any more (a build on them would be stale).
for old in $(podman images --filter reference=localhost/gameday-base --format '{{.Repository}}:{{.Tag}}'); do
  [ "$old" = "$ref" ] || podman rmi "$old" >/dev/null 2>&1 || true
done
echo "base image $ref made in $(( $(date +%s) - start )) s (its root filesystem kept in $rootfs)" >&2
echo "$ref"
