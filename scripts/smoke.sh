#!/usr/bin/env bash
# Runs bin/otelhub on configs/default.yaml as `make run` does, and checks:
# the health check answers, OTLP/HTTP and OTLP/gRPC accept data, what was
# sent lands in the JSON-lines file (mode 0600) and the debug output, the
# collector's own metrics are served, and SIGINT stops the collector
# cleanly (exit 0).
# It uses ports of its own, so that it works beside `make run` (4317, 4318,
# 13133, 8888): a second config file, given after the default one, moves
# every listener and changes nothing else. Override them with SMOKE_GRPC,
# SMOKE_HTTP, SMOKE_HEALTH and SMOKE_METRICS.
set -euo pipefail
cd "$(dirname "$0")/.."

grpc=${SMOKE_GRPC:-14317}
http=${SMOKE_HTTP:-14318}
health=${SMOKE_HEALTH:-14133}
metrics=${SMOKE_METRICS:-14888}

work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/ports.yaml" <<YAML
extensions:
  health_check:
    endpoint: localhost:$health
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: localhost:$grpc
      http:
        endpoint: localhost:$http
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: localhost
                port: $metrics
YAML
OTELHUB_DATA_DIR="$work" ./bin/otelhub --config configs/default.yaml --config "$work/ports.yaml" > "$work/out.log" 2>&1 &
pid=$!

for _ in $(seq 1 100); do
  curl -fs --max-time 10 "localhost:$health" > /dev/null 2>&1 && break
  sleep 0.1
done
# Read whole answers before grepping: with pipefail, grep -q closing the
# pipe early would fail curl.
answer=$(curl -fs --max-time 10 "localhost:$health" || true)
grep -q "Server available" <<<"$answer" || { echo "FAIL: health check on $health"; cat "$work/out.log"; exit 1; }

curl -fs --max-time 10 -X POST "localhost:$http/v1/logs" -H 'Content-Type: application/json' -d '{
  "resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeLogs":[{"logRecords":[{"severityText":"INFO","body":{"stringValue":"hello from the smoke test"}}]}]}]}' > /dev/null
curl -fs --max-time 10 -X POST "localhost:$http/v1/traces" -H 'Content-Type: application/json' -d '{
  "resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"smoke-span","kind":2,
  "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}' > /dev/null
curl -fs --max-time 10 -X POST "localhost:$http/v1/metrics" -H 'Content-Type: application/json' -d '{
  "resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeMetrics":[{"metrics":[{"name":"smoke.gauge","gauge":{"dataPoints":[{"asDouble":1.5,"timeUnixNano":"1"}]}}]}]}]}' > /dev/null
# gRPC port answers too (a TCP connect is enough without a gRPC client).
(exec 3<>"/dev/tcp/127.0.0.1/$grpc") || { echo "FAIL: nothing listens on $grpc"; exit 1; }
own=$(curl -fs --max-time 10 "localhost:$metrics/metrics" || true)
grep -q otelcol_receiver_accepted <<<"$own" || { echo "FAIL: own metrics on $metrics"; exit 1; }

for _ in $(seq 1 50); do
  grep -q "smoke.gauge" "$work/received.jsonl" 2>/dev/null && break
  sleep 0.1
done
for want in "hello from the smoke test" "smoke-span" "smoke.gauge"; do
  grep -q "$want" "$work/received.jsonl" || { echo "FAIL: '$want' not in received.jsonl"; exit 1; }
done
mode=$(stat -c %a "$work/received.jsonl")
[ "$mode" = 600 ] || { echo "FAIL: received.jsonl has mode $mode, want 600"; exit 1; }
for want in "hello from the smoke test" "smoke-span" "smoke.gauge"; do
  grep -q "$want" "$work/out.log" || { echo "FAIL: '$want' not in the debug output"; cat "$work/out.log"; exit 1; }
done

kill -INT $pid
if ! wait $pid; then echo "FAIL: collector did not exit cleanly"; cat "$work/out.log"; exit 1; fi
pid=
echo "ok: smoke test of bin/otelhub on configs/default.yaml, ports $grpc $http $health $metrics"
