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
.PHONY: bench-e2e bench-smoke

.SECONDEXPANSION:
BINS := $(addprefix bin/,$(DISTS))

build: $(BINS)

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

# Version stamped into every binary (`--version`, `components`): the git tag
# or commit (`git describe`), or VERSION=... on the command line, plus the
# build date. build/version holds the git part and is rewritten only when
# it changes, so that a new commit rebuilds but an unchanged tree does not.
# "-dirty" follows only the build's inputs (not docs, tests or test data):
# with `--dirty`, editing the README made the next `make run` rebuild.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git describe --tags --always 2>/dev/null || echo unknown)$(shell \
	git status --porcelain -- go.mod go.sum builder-config.yaml distributions \
	exporter extension processor receiver internal ':(exclude)*_test.go' \
	':(exclude)*.md' ':(exclude,glob)**/testdata/**' 2>/dev/null | grep -q . && echo -dirty)
endif
$(shell mkdir -p build; echo '$(VERSION)' | cmp -s - build/version || echo '$(VERSION)' > build/version)

# What a distribution is built from: its manifest, the module files and
# our component sources (tests, test data and docs excluded).
# build/srcs lists them and is rewritten only when the list changes, so
# that a deleted source file rebuilds too (no remaining file is newer).
SRCFILES := $(shell find exporter extension processor receiver internal -type f \
	-not -name '*_test.go' -not -path '*/testdata/*' -not -name '*.md' 2>/dev/null | LC_ALL=C sort)
$(shell printf '%s\n' $(SRCFILES) | cmp -s - build/srcs || printf '%s\n' $(SRCFILES) > build/srcs)
SRCS := go.mod go.sum build/version build/srcs $(SRCFILES)

# Each distribution: ocb generates build/<name> from a copy of the manifest
# with the version filled in, compiles it, and the binary is copied to
# bin/<name>. A file target: rebuilt only when one of its inputs changed.
# `make otelhub` (and the two others) builds one.
$(DISTS): %: bin/%

bin/%: $(SRCS) $$(MANIFEST_$$*) | $(OCB)
	@mkdir -p build bin
	sed 's|^  version: .*|  version: "$(VERSION) built $(shell date -u +%Y-%m-%dT%H:%M:%SZ)"|' $(MANIFEST_$*) > build/$*.manifest.yaml
	$(OCB) --config build/$*.manifest.yaml
	cp build/$*/$* $@

run: bin/$(RUN_DIST)
	@mkdir -p var
	./bin/$(RUN_DIST) --config configs/default.yaml

# Every test: Go tests (they start the backends they need, see
# internal/testserver; CGO_ENABLED=0 and -trimpath, as ocb builds, let
# the distribution builds reuse the packages the tests compiled),
# then the built distributions themselves.
test: unit-test dist-test chart-test bench-smoke

# internal/e2e runs the built binaries, so dist-test runs it after build.
unit-test: testdeps
	CGO_ENABLED=0 $(GO) test -trimpath -count=1 -timeout $(TEST_TIMEOUT) $$($(GO) list ./... | grep -v /internal/e2e)
	cd testbed && CGO_ENABLED=0 $(GO) test -trimpath -count=1 -timeout $(TEST_TIMEOUT) -skip '^TestSmoke$$' ./...

# Builds every distribution, checks each one's component list and that a
# second build is a no-op, runs bin/otelhub on the default config as
# `make run` does (on ports of its own), then the Go tests of the built
# binaries (internal/e2e: kill -9 and restart, deep JSON, version, TLS).
dist-test: build testdeps
	./scripts/check-dist.sh
	./scripts/check-rebuild.sh
	./scripts/smoke.sh
	CGO_ENABLED=0 $(GO) test -trimpath -count=1 -timeout $(TEST_TIMEOUT) ./internal/e2e/...

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
