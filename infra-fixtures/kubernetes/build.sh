#!/usr/bin/env bash
# Build the Kubernetes fixture's binaries once and cache them, keyed by version:
#   ${GAMEDAY_CACHE_DIR:-~/.cache/gameday}/k8s-<version>/bin/
#     etcd, kwok, kube-apiserver, kube-controller-manager, kube-scheduler
#
# A warm call (every binary present, built from the same versions) returns at once.
# A cold call builds each binary from its Go module through a small consumer module
# under k8s-<version>/src/<name>/, sequentially (-p 2), and prints progress.
#
# Versions (override by environment):
#   GAMEDAY_K8S_VERSION   k8s.io/kubernetes module version (default below)
#   GAMEDAY_ETCD_VERSION  go.etcd.io/etcd/server/v3 version (default: the etcd client
#                         version that Kubernetes version pins in its own go.mod)
#   GAMEDAY_KWOK_VERSION  sigs.k8s.io/kwok version (default below)
# Other knobs: GAMEDAY_GOTOOLCHAIN (default local; a newer release is fetched from the proxy
#   automatically when a module's `go` line needs it), GAMEDAY_BUILD_MEMLIMIT (GOMEMLIMIT for the go tool, compiler and linker),
#   GAMEDAY_BUILD_ONLY="etcd kwok ..." to build a subset, --print-bin-dir to print the
#   bin dir and exit, --check to exit 0 only when the cache is warm.
set -euo pipefail

K8S_VERSION="${GAMEDAY_K8S_VERSION:-v1.34.4}"
KWOK_VERSION="${GAMEDAY_KWOK_VERSION:-v0.8.0}"
CACHE_ROOT="${GAMEDAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday}"
ROOT="$CACHE_ROOT/k8s-$K8S_VERSION"
BIN="$ROOT/bin"
SRC="$ROOT/src"
ALL_BINARIES="etcd kwok kube-apiserver kube-controller-manager kube-scheduler"

# Staging modules are v0.<minor>.<patch> for Kubernetes v1.<minor>.<patch>.
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
K8S_MINOR="$(echo "$K8S_VERSION" | cut -d. -f2)"

export GOTOOLCHAIN="${GAMEDAY_GOTOOLCHAIN:-local}"
export GOFLAGS="-trimpath -buildvcs=false -mod=mod"
export CGO_ENABLED=0
export GOMEMLIMIT="${GAMEDAY_BUILD_MEMLIMIT:-3GiB}"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"

log() { printf '[k8s-build %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# The version string each binary is built from; a binary is warm when its stamp matches.
stamp_for() {
  case "$1" in
    etcd) echo "go.etcd.io/etcd/server/v3@$ETCD_VERSION" ;;
    kwok) echo "sigs.k8s.io/kwok@$KWOK_VERSION" ;;
    *) echo "k8s.io/kubernetes@$K8S_VERSION" ;;
  esac
}

is_warm() {
  local name="$1"
  [[ -x "$BIN/$name" && -f "$BIN/.$name.stamp" ]] && [[ "$(cat "$BIN/.$name.stamp")" == "$(stamp_for "$name")" ]]
}

# A module's go.mod from the module cache (downloaded through the proxy once).
module_gomod() {
  local f
  f="$(go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [[ -n "$f" && -f "$f" ]] || { log "cannot download the go.mod of $1"; exit 1; }
  echo "$f"
}
k8s_gomod() { module_gomod "k8s.io/kubernetes@$K8S_VERSION"; }

# The Go toolchain a module needs: the installed one (GOTOOLCHAIN=local) when it is new
# enough for the module's `go` line, otherwise that exact release through the module
# proxy (GOTOOLCHAIN=go1.X.Y, downloaded once into the module cache).
INSTALLED_GO="$(go env GOVERSION | sed 's/^go//')"
use_toolchain_for() {
  local need
  need="$(awk '$1 == "go" { print $2; exit }' "$(module_gomod "$1")")"
  [[ "$need" =~ ^[0-9]+\.[0-9]+$ ]] && need="$need.0"
  if [[ -n "$need" && "$(printf '%s\n%s\n' "$INSTALLED_GO" "$need" | sort -V | tail -1)" != "$INSTALLED_GO" ]]; then
    export GOTOOLCHAIN="go$need"
    log "$1 needs go $need (installed: $INSTALLED_GO): using GOTOOLCHAIN=$GOTOOLCHAIN from the proxy"
  else
    export GOTOOLCHAIN="${GAMEDAY_GOTOOLCHAIN:-local}"
  fi
  CONSUMER_GO="$(printf '%s\n%s\n' "$INSTALLED_GO" "$need" | sort -V | tail -1)"
}

if [[ -n "${GAMEDAY_ETCD_VERSION:-}" ]]; then
  ETCD_VERSION="$GAMEDAY_ETCD_VERSION"
elif [[ -f "$ROOT/.etcd-version" ]]; then
  ETCD_VERSION="$(cat "$ROOT/.etcd-version")"
else
  mkdir -p "$ROOT"
  ETCD_VERSION="$(awk '$1 == "go.etcd.io/etcd/client/v3" { print $2; exit }' "$(k8s_gomod)")"
  [[ -n "$ETCD_VERSION" ]] || { log "could not find the etcd version in the Kubernetes go.mod"; exit 1; }
  echo "$ETCD_VERSION" >"$ROOT/.etcd-version"
fi

case "${1:-}" in
  --print-bin-dir) echo "$BIN"; exit 0 ;;
  --check)
    for b in $ALL_BINARIES; do is_warm "$b" || exit 1; done
    exit 0 ;;
esac

WANTED="${GAMEDAY_BUILD_ONLY:-$ALL_BINARIES}"
todo=()
for b in $WANTED; do is_warm "$b" || todo+=("$b"); done
if [[ ${#todo[@]} -eq 0 ]]; then
  log "warm: all binaries cached in $BIN (kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION)"
  exit 0
fi

command -v go >/dev/null || { log "go is not installed"; exit 1; }
mkdir -p "$BIN" "$SRC"
log "cold build of: ${todo[*]}"
log "kubernetes $K8S_VERSION (staging $STAGING_VERSION), etcd $ETCD_VERSION, kwok $KWOK_VERSION; $(go version)"
log "GOTOOLCHAIN=$GOTOOLCHAIN GOFLAGS=\"$GOFLAGS\" GOMEMLIMIT=$GOMEMLIMIT -p 2; cache $ROOT"

TOTAL_START=$SECONDS
TICKER_PID=""
stop_ticker() { [[ -n "$TICKER_PID" ]] && kill "$TICKER_PID" 2>/dev/null; wait "$TICKER_PID" 2>/dev/null || true; TICKER_PID=""; }
trap stop_ticker EXIT
start_ticker() {
  local what="$1" since="$2"
  ( while sleep 30; do log "  ... $what: $(fmt_secs $((SECONDS - since))) elapsed"; done ) &
  TICKER_PID=$!
}

# Write the consumer module for one component. $1 = dir, $2 = module requirement line(s),
# $3 = extra go.mod text, $4.. = packages the tools file imports (so `go mod tidy` keeps them).
write_consumer() {
  local dir="$1" req="$2" extra="$3"; shift 3
  mkdir -p "$dir"
  {
    echo "// Consumer module generated by gameday infra-fixtures/kubernetes/build.sh"
    echo "module gameday.local/k8s-fixture-build"
    echo
    echo "go $CONSUMER_GO"
    echo
    echo "require $req"
    echo
    printf '%s\n' "$extra"
  } >"$dir/go.mod"
  {
    echo "//go:build tools"
    echo
    echo "// Package tools pins the commands this consumer module builds."
    echo "package tools"
    echo
    echo "import ("
    for p in "$@"; do echo "	_ \"$p\""; done
    echo ")"
  } >"$dir/tools.go"
}

prepare_kubernetes() {
  local dir="$SRC/kubernetes" gomod staging repl
  [[ -f "$dir/.ready" && "$(cat "$dir/.ready")" == "$K8S_VERSION" ]] && return 0
  gomod="$(k8s_gomod)"
  # Every module the Kubernetes go.mod maps into ./staging/src/ is a staging module: the
  # consumer replaces each with its published v0.x.y (the kubernetes module requires them at v0.0.0).
  staging="$(sed -n 's#^[[:space:]]*\(k8s.io/[A-Za-z0-9._-]*\) => ./staging/src/.*#\1#p' "$gomod" | sort -u)"
  [[ -n "$staging" ]] || { log "no staging replace block found in $gomod"; exit 1; }
  log "staging modules replaced with $STAGING_VERSION: $(echo "$staging" | tr '\n' ' ')"
  repl="replace ("$'\n'
  for m in $staging; do repl+="	$m => $m $STAGING_VERSION"$'\n'; done
  repl+=")"
  write_consumer "$dir" "k8s.io/kubernetes $K8S_VERSION" "$repl" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler
  log "resolving the kubernetes module graph (go mod tidy; downloads on first run)"
  (cd "$dir" && go mod tidy -e >/dev/null 2>"$dir/tidy.err") || { cat "$dir/tidy.err"; log "go mod tidy failed"; exit 1; }
  echo "$K8S_VERSION" >"$dir/.ready"
}

prepare_etcd() {
  local dir="$SRC/etcd"
  [[ -f "$dir/.ready" && "$(cat "$dir/.ready")" == "$ETCD_VERSION" ]] && return 0
  write_consumer "$dir" "go.etcd.io/etcd/server/v3 $ETCD_VERSION" "" go.etcd.io/etcd/server/v3
  log "resolving the etcd module graph"
  (cd "$dir" && go mod tidy >/dev/null 2>"$dir/tidy.err") || { cat "$dir/tidy.err"; log "go mod tidy failed"; exit 1; }
  echo "$ETCD_VERSION" >"$dir/.ready"
}

prepare_kwok() {
  local dir="$SRC/kwok"
  [[ -f "$dir/.ready" && "$(cat "$dir/.ready")" == "$KWOK_VERSION" ]] && return 0
  write_consumer "$dir" "sigs.k8s.io/kwok $KWOK_VERSION" "" sigs.k8s.io/kwok/cmd/kwok
  log "resolving the kwok module graph"
  (cd "$dir" && go mod tidy >/dev/null 2>"$dir/tidy.err") || { cat "$dir/tidy.err"; log "go mod tidy failed"; exit 1; }
  echo "$KWOK_VERSION" >"$dir/.ready"
}

build_one() {
  local name="$1" dir pkg ldflags start
  start=$SECONDS
  case "$name" in
    etcd)
      use_toolchain_for "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
      prepare_etcd
      dir="$SRC/etcd"; pkg="go.etcd.io/etcd/server/v3"
      ldflags="-s -w" ;;
    kwok)
      use_toolchain_for "sigs.k8s.io/kwok@$KWOK_VERSION"
      prepare_kwok
      dir="$SRC/kwok"; pkg="sigs.k8s.io/kwok/cmd/kwok"
      ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" ;;
    kube-*)
      use_toolchain_for "k8s.io/kubernetes@$K8S_VERSION"
      prepare_kubernetes
      dir="$SRC/kubernetes"; pkg="k8s.io/kubernetes/cmd/$name"
      ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
      ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$K8S_MINOR"
      ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
      ldflags+=" -X k8s.io/component-base/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ;;
    *) log "unknown binary $name"; exit 1 ;;
  esac
  log "building $name ($pkg) with $(go version | cut -d' ' -f3)"
  start_ticker "$name" "$start"
  if ! (cd "$dir" && go build -p 2 -ldflags "$ldflags" -o "$BIN/.$name.tmp" "$pkg"); then
    stop_ticker
    log "FAILED: $name after $(fmt_secs $((SECONDS - start)))"
    exit 1
  fi
  stop_ticker
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  stamp_for "$name" >"$BIN/.$name.stamp"
  log "built $name in $(fmt_secs $((SECONDS - start))) ($(du -h "$BIN/$name" | cut -f1))"
  echo "$name $((SECONDS - start))" >>"$ROOT/build-times.txt"
}

for b in "${todo[@]}"; do build_one "$b"; done
log "done: ${todo[*]} in $(fmt_secs $((SECONDS - TOTAL_START))) total; binaries in $BIN"
echo "total $((SECONDS - TOTAL_START))" >>"$ROOT/build-times.txt"
