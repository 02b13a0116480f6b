# Sourced by the image scripts (and .ci/run): podman and buildah with gameday's containers.conf.
# shellcheck shell=bash
GAMEDAY_IMAGE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="$GAMEDAY_IMAGE_DIR/containers.conf"
