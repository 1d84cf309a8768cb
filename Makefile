# streamctl build targets. `make test` is the test command CI runs.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build test playground generate lint check-generated ci bench sanitize fuzz faults

# The binary says which streamctl it is (`streamctl version`): the version
# from git describe and the commit, stamped at link time (go build's own VCS
# stamp is off where GOFLAGS has -buildvcs=false, and knows no tags).
BIN     ?= bin/streamctl
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X github.com/streamctl/streamctl/internal/buildinfo.Version=$(VERSION) -X github.com/streamctl/streamctl/internal/buildinfo.Commit=$(COMMIT)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Unit, in-process (kfake) and end-to-end tests against a real Kafka broker.
test:
	scripts/test

# Flags for the playground go in ARGS: make playground ARGS='--port 19092'
playground: build
	$(BIN) playground $(ARGS)

# streamctl against kcat (produce, consume raw/json, memory) on the real broker
# and the playground; writes docs/performance.md. Takes several minutes.
bench:
	bench/run

# The librdkafka binding's cgo code and its callers under the race detector,
# GOEXPERIMENT=cgocheck2 and AddressSanitizer: internal/kafka, its rdk and
# internal/pipeline tests, then commands against a playground. 5-10 minutes;
# not in CI (see docs/reliability.md).
sanitize:
	scripts/sanitize

# Every fuzz target for FUZZTIME each (default 30s); FUZZ_SAVE=1 adds the
# corpora found to testdata/fuzz (checked in, run by `make test`).
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz

# The fault harness: kill -9 trials and a produce through leader loss on a
# 3-node cluster, checked by kcat; writes docs/reliability.md. 15-30 minutes.
faults:
	scripts/faults

# Regenerate the command reference, man pages and shell completions.
generate:
	$(GO) run ./internal/gendocs

# gofmt, vet, staticcheck, go.mod/go.sum tidy, and the import rules of
# docs/architecture.md (scripts/check-imports), and cmd/'s size targets
# (scripts/check-layout).
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: run gofmt -w on the files above"; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags e2e ./e2e/
	@$(GO) mod tidy -diff >/dev/null || { $(GO) mod tidy -diff; echo "go mod tidy: go.mod/go.sum are not tidy; run go mod tidy"; exit 1; }
	scripts/check-imports
	scripts/check-layout

ci: lint test
