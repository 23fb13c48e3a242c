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

.PHONY: build run test lint bench tools clean $(DISTS)

build: $(DISTS)

$(OCB):
	GOBIN=$(TOOLS) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VER)

$(STATICCHK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

tools: $(OCB) $(STATICCHK)

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

# Tests start the backends they need themselves (see internal/testserver).
test:
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

lint: $(STATICCHK)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHK) ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin build var
