# otelhub: build, run and test the distribution.
GO        ?= go
OCB_VER   := v0.165.0
TOOLS     := $(CURDIR)/.tools
OCB       := $(TOOLS)/builder
STATICCHK := $(TOOLS)/staticcheck
DISTS     := otelhub otelhub-sidecar otelhub-gateway
MANIFEST_otelhub         := builder-config.yaml
MANIFEST_otelhub-sidecar := distributions/otelhub-sidecar/manifest.yaml
MANIFEST_otelhub-gateway := distributions/otelhub-gateway/manifest.yaml
TEST_TIMEOUT ?= 20m

VM_MOD := github.com/VictoriaMetrics/VictoriaMetrics/app/victoria-metrics@v1.151.0
VL_MOD := github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1

.PHONY: build run test unit-test dist-test testdeps lint bench tools clean $(DISTS)
.PHONY: bench-e2e bench-smoke

build: $(DISTS)

$(OCB):
	GOBIN=$(TOOLS) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VER)

$(STATICCHK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

tools: $(OCB) $(STATICCHK)

# Real backends for the integration tests, pinned (internal/testserver
# starts them; it also installs them itself when they are missing).
$(TOOLS)/victoria-metrics:
	GOBIN=$(TOOLS) $(GO) install $(VM_MOD)
$(TOOLS)/victoria-logs:
	GOBIN=$(TOOLS) $(GO) install $(VL_MOD)

testdeps: $(TOOLS)/victoria-metrics $(TOOLS)/victoria-logs

# Each distribution: ocb generates build/<name>, compiles it, and the binary
# is copied to bin/<name>.
$(DISTS): %: $(OCB)
	@mkdir -p build
	$(OCB) --config $(MANIFEST_$@)
	@mkdir -p bin
	cp build/$@/$@ bin/$@

run: otelhub
	@mkdir -p var
	./bin/otelhub --config configs/default.yaml

# Every test: Go tests (they start the backends they need, see
# internal/testserver; CGO_ENABLED=0 and -trimpath, as ocb builds, let
# the distribution builds reuse the packages the tests compiled),
# then the built distributions themselves.
test: unit-test dist-test bench-smoke

unit-test: testdeps
	CGO_ENABLED=0 $(GO) test -trimpath -count=1 -timeout $(TEST_TIMEOUT) ./...

# Builds every distribution, checks each one's component list, and runs
# bin/otelhub on the default config as `make run` does.
dist-test: build
	./scripts/check-dist.sh
	./scripts/smoke.sh

lint: $(STATICCHK)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHK) ./...
	cd testbed && $(GO) vet ./... && $(STATICCHK) ./...

# Go benchmarks of the hot paths, then the testbed's side-by-side runs
# against the contrib exporters.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	cd testbed && $(GO) test -run '^$$' -bench . -benchmem -benchtime=30x ./...

clean:
	rm -rf bin build var

# The testbed (testbed/, its own Go module): every exporter against its
# twin, in process and end to end through bin/otelhub, with vmagent as a
# remote-write peer. bench-e2e is a short default run (table, JSON and
# plots under testbed/results/<time>/); bench-smoke checks counts only and
# is part of `make test`. BENCH_ARGS passes flags (go run ./cmd/otelhub-bench -h).
VMAGENT_MOD := github.com/VictoriaMetrics/VictoriaMetrics/app/vmagent@v1.151.0
BENCH_ARGS  ?=
$(TOOLS)/vmagent:
	GOBIN=$(TOOLS) $(GO) install $(VMAGENT_MOD)

bench-e2e: otelhub $(TOOLS)/vmagent
	cd testbed && $(GO) run ./cmd/otelhub-bench $(BENCH_ARGS)

bench-smoke: otelhub $(TOOLS)/vmagent
	cd testbed && CGO_ENABLED=0 $(GO) test -trimpath -count=1 -run 'TestSmoke' ./scenarios/
