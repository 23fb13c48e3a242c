#!/usr/bin/env bash
# Runs bin/otelhub on configs/default.yaml as `make run` does, and checks:
# the health check answers on 13133, OTLP/HTTP on 4318 and OTLP/gRPC on 4317
# accept data, what was sent lands in the JSON-lines file and the debug
# output, and SIGINT stops the collector cleanly (exit 0).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
OTELHUB_DATA_DIR="$work" ./bin/otelhub --config configs/default.yaml > "$work/out.log" 2>&1 &
pid=$!

for _ in $(seq 1 100); do
  curl -fs localhost:13133 > /dev/null 2>&1 && break
  sleep 0.1
done
# Read whole answers before grepping: with pipefail, grep -q closing the
# pipe early would fail curl.
health=$(curl -fs localhost:13133 || true)
grep -q "Server available" <<<"$health" || { echo "FAIL: health check"; cat "$work/out.log"; exit 1; }

curl -fs -X POST localhost:4318/v1/logs -H 'Content-Type: application/json' -d '{
  "resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeLogs":[{"logRecords":[{"severityText":"INFO","body":{"stringValue":"hello from the smoke test"}}]}]}]}' > /dev/null
curl -fs -X POST localhost:4318/v1/traces -H 'Content-Type: application/json' -d '{
  "resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"smoke-span","kind":2,
  "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}' > /dev/null
curl -fs -X POST localhost:4318/v1/metrics -H 'Content-Type: application/json' -d '{
  "resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeMetrics":[{"metrics":[{"name":"smoke.gauge","gauge":{"dataPoints":[{"asDouble":1.5,"timeUnixNano":"1"}]}}]}]}]}' > /dev/null
# gRPC port answers too (a TCP connect is enough without a gRPC client).
(exec 3<>/dev/tcp/127.0.0.1/4317) || { echo "FAIL: nothing listens on 4317"; exit 1; }
own=$(curl -fs localhost:8888/metrics || true)
grep -q otelcol_receiver_accepted <<<"$own" || { echo "FAIL: own metrics on 8888"; exit 1; }

for _ in $(seq 1 50); do
  grep -q "smoke.gauge" "$work/received.jsonl" 2>/dev/null && break
  sleep 0.1
done
for want in "hello from the smoke test" "smoke-span" "smoke.gauge"; do
  grep -q "$want" "$work/received.jsonl" || { echo "FAIL: '$want' not in received.jsonl"; exit 1; }
done
for want in "hello from the smoke test" "smoke-span" "smoke.gauge"; do
  grep -q "$want" "$work/out.log" || { echo "FAIL: '$want' not in the debug output"; cat "$work/out.log"; exit 1; }
done

kill -INT $pid
if ! wait $pid; then echo "FAIL: collector did not exit cleanly"; cat "$work/out.log"; exit 1; fi
echo "ok: smoke test of bin/otelhub on configs/default.yaml"
