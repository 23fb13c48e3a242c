#!/usr/bin/env bash
# Checks that each built distribution holds exactly the components its
# manifest promises, by asking the binary itself (`<bin> components`).
set -euo pipefail
cd "$(dirname "$0")/.."

full="file_log loadgen otlp prometheus pattern semconv batch cumulative_to_delta delta_to_cumulative memory_limiter resource
debug jsonlfile otlp_grpc otlp_http victoriametrics clickhouse elasticsearch bearertokenauth file_storage health_check json_depth pprof zpages"
sidecar="otlp pattern semconv batch memory_limiter resource debug jsonlfile otlp_grpc otlp_http victoriametrics clickhouse elasticsearch
bearertokenauth file_storage health_check json_depth"
lite="otlp batch memory_limiter debug jsonlfile health_check"

check() {
  local bin=$1 want=$2
  local got
  got=$("./bin/$bin" components | awk '/^(receivers|processors|exporters|extensions):/{on=1; next} /^[a-z]/{on=0} on && /- name:/{print $3}' | sort | tr '\n' ' ')
  local exp
  exp=$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')
  if [ "$got" != "$exp" ]; then
    echo "FAIL: bin/$bin components"
    echo "  want: $exp"
    echo "  got:  $got"
    return 1
  fi
  echo "ok: bin/$bin holds $(echo $want | wc -w) components"
}

check otelhub "$full"
check otelhub-gateway "$full"
check otelhub-sidecar "$sidecar"
check otelhub-lite "$lite"
