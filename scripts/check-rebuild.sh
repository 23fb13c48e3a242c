#!/usr/bin/env bash
# Checks that the distribution targets are file targets: after `make build`
# nothing is out of date; a change to our sources, go.mod or a manifest
# makes exactly the binaries built from it out of date; a change to a doc
# or a test rebuilds nothing. `make -q -W <file>` asks make as if <file>
# had just changed, without touching anything.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
# expect <0 up to date | 1 out of date> <target> [file that "changed"]
expect() {
  local want=$1 target=$2 changed=${3:-}
  local got=0
  if [ -n "$changed" ]; then
    make -q -W "$changed" "$target" > /dev/null 2>&1 || got=$?
  else
    make -q "$target" > /dev/null 2>&1 || got=$?
  fi
  if [ "$got" != "$want" ]; then
    echo "FAIL: make -q $target${changed:+ after a change to $changed}: exit $got, want $want"
    fail=1
  fi
}

expect 0 build
expect 0 bin/otelhub README.md
expect 0 bin/otelhub exporter/jsonlfileexporter/exporter_test.go
expect 1 bin/otelhub exporter/jsonlfileexporter/exporter.go
expect 1 bin/otelhub-sidecar go.mod
expect 1 bin/otelhub-gateway go.sum
expect 1 bin/otelhub-gateway distributions/otelhub-gateway/manifest.yaml
expect 0 bin/otelhub distributions/otelhub-gateway/manifest.yaml
expect 1 bin/otelhub builder-config.yaml
# Editing a doc for real, not only as -W pretends, leaves the version
# (its "-dirty" follows only the build's inputs) and so the binaries alone.
readme=$(mktemp)
cp -p README.md "$readme"
echo >> README.md
expect 0 bin/otelhub
cp -p "$readme" README.md
rm -f "$readme"

# A deleted source file rebuilds too: as if the last build had seen one more
# file, the list (build/srcs) changes. Its time stamp is put back after.
if [ -f build/srcs ]; then
  saved=$(mktemp)
  cp -p build/srcs "$saved"
  { cat "$saved"; echo internal/deleted_since_the_build.go; } > build/srcs
  touch -r "$saved" build/srcs
  expect 1 bin/otelhub
  cp -p "$saved" build/srcs
  rm -f "$saved"
fi
[ "$fail" = 0 ] && echo "ok: distributions rebuild only when their inputs change"
exit "$fail"
