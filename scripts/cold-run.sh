#!/usr/bin/env bash
# Measures a first `make run` on a fresh machine: a clone of this
# repository with empty Go build and module caches and no .tools/, built
# as `make run` builds it (the lite distribution), then started on the
# default config until its health check answers. Prints both times.
# Uses the default ports, so stop a running `make run` first.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
git clone -q "$repo" "$tmp/clone"
cd "$tmp/clone"
export GOCACHE=$tmp/gocache GOMODCACHE=$tmp/gomodcache GOFLAGS=-modcacherw
start=$(date +%s)
make bin/otelhub-lite > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
built=$(date +%s)
mkdir -p var
./bin/otelhub-lite --config configs/default.yaml > "$tmp/run.log" 2>&1 &
pid=$!
until curl -sf localhost:13133 >/dev/null; do sleep 0.2; done
healthy=$(date +%s)
echo "cold build $((built - start)) s; healthy $((healthy - start)) s after start; modules downloaded: $(du -sh "$GOMODCACHE" | cut -f1)"
