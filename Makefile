# otelhub: build, run and test the distribution.
GO        ?= go
OCB_VER   := v0.165.0
TOOLS     := $(CURDIR)/.tools
OCB       := $(TOOLS)/builder
STATICCHK := $(TOOLS)/staticcheck
DISTS     := otelhub otelhub-sidecar otelhub-gateway otelhub-lite
MANIFEST_otelhub         := builder-config.yaml
MANIFEST_otelhub-sidecar := distributions/otelhub-sidecar/manifest.yaml
MANIFEST_otelhub-gateway := distributions/otelhub-gateway/manifest.yaml
MANIFEST_otelhub-lite    := distributions/otelhub-lite/manifest.yaml
# `make run` builds only what configs/default.yaml needs (the lite
# distribution), so a first run compiles no contrib receiver or processor.
RUN_DIST  ?= otelhub-lite
HELM      := $(TOOLS)/helm
HELM_VER  := v3.22.0
TEST_TIMEOUT ?= 20m

VM_MOD := github.com/VictoriaMetrics/VictoriaMetrics/app/victoria-metrics@v1.151.0
VL_MOD := github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1

.PHONY: build run test unit-test dist-test chart-test testdeps lint bench tools clean $(DISTS)

build: $(DISTS)

$(OCB):
	GOBIN=$(TOOLS) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VER)

$(STATICCHK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

# helm, for the chart tests (compiled from source: about 3 minutes once).
$(HELM):
	GOBIN=$(TOOLS) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VER)

tools: $(OCB) $(STATICCHK) $(HELM)

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

run: $(RUN_DIST)
	@mkdir -p var
	./bin/$(RUN_DIST) --config configs/default.yaml

# Every test: Go tests (they start the backends they need, see
# internal/testserver; CGO_ENABLED=0 and -trimpath, as ocb builds, let
# the distribution builds reuse the packages the tests compiled),
# then the built distributions themselves.
test: unit-test dist-test chart-test

unit-test: testdeps
	CGO_ENABLED=0 $(GO) test -trimpath -count=1 -timeout $(TEST_TIMEOUT) ./...
	cd testbed && CGO_ENABLED=0 $(GO) test -trimpath -count=1 -timeout $(TEST_TIMEOUT) ./...

# Builds every distribution, checks each one's component list, and runs
# bin/otelhub on the default config as `make run` does.
dist-test: build
	./scripts/check-dist.sh
	./scripts/smoke.sh

# The Helm chart: helm lint, helm template for every ci/ scenario, mode and
# preset, strict decoding into the Kubernetes API types, and each rendered
# config validated by the binary its image holds. A module of its own
# (charts/otelhub/test), so k8s.io stays out of the product's go.mod.
chart-test: $(HELM) otelhub otelhub-sidecar
	cd charts/otelhub/test && HELM=$(HELM) OTELHUB_BIN_DIR=$(CURDIR)/bin CGO_ENABLED=0 $(GO) test -trimpath -count=1 ./...

lint: $(STATICCHK)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHK) ./...
	cd testbed && $(GO) vet ./... && $(STATICCHK) ./...
	cd charts/otelhub/test && $(GO) vet ./... && $(STATICCHK) ./...

# Go benchmarks of the hot paths, then the testbed's side-by-side runs
# against the contrib exporters.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	cd testbed && $(GO) test -run '^$$' -bench . -benchmem -benchtime=30x ./...

clean:
	rm -rf bin build var
