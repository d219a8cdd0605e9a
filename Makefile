# Every tool comes through the Go module proxy at a pinned version; nothing is installed by hand.
GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

.PHONY: all generate check-generated spec-drill lint test tidy-check bench demo serve fuzz

all: test

## generate: regenerate every generated file from api/openapi.yaml: gen/, the models and limits of
##           telnyx and telnyxtest and the events of telnyx/webhook (*.gen.go), the overlays modelgen derives (api/codegen/*.gen.yaml)
##           and the models' index of the drift guards (*.gen_test.go)
generate:
	$(GO) generate ./gen/... ./telnyx/...

## check-generated: regenerate and fail if the committed code differs
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	files=$$(find . \( -name '*.gen.go' -o -name '*.gen_test.go' -o -name '*.gen.yaml' \) -not -path './.git/*' | sort) && \
	for f in $$files; do mkdir -p "$$tmp/$$(dirname $$f)" && cp "$$f" "$$tmp/$$f"; done && \
	$(GO) generate ./gen/... ./telnyx/... && \
	if [ "$$(find . \( -name '*.gen.go' -o -name '*.gen_test.go' -o -name '*.gen.yaml' \) -not -path './.git/*' | sort)" != "$$files" ]; then \
		echo "check-generated: go generate makes other generated files (*.gen.go, *.gen_test.go, *.gen.yaml) than are committed; run make generate and commit"; exit 1; \
	fi && \
	for f in $$files; do \
		if ! cmp -s "$$f" "$$tmp/$$f"; then \
			diff -u "$$tmp/$$f" "$$f" | head -40; \
			cp "$$tmp/$$f" "$$f"; \
			echo "check-generated: $$f is out of date; run make generate and commit"; exit 1; \
		fi; \
	done; \
	echo "check-generated: every generated file matches api/openapi.yaml"

## spec-drill: rehearse spec changes on a temporary copy (a new property must reach the
## models; a renamed property and a new filter must fail the tests, naming them)
spec-drill:
	$(GO) run ./internal/specdrill

## lint: go vet and staticcheck, of the main module and of redislimit (its own module)
lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	cd redislimit && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

## tidy-check: fail if go.mod/go.sum (and redislimit's) are not tidy
tidy-check:
	$(GO) mod tidy -diff
	cd redislimit && $(GO) mod tidy -diff

## test: every test with the race detector, redislimit's too (go test ./... does not enter
##       a nested module; its tests need redis-server, and skip without it unless
##       TELNYX_REQUIRE_REDIS is set); .ci/run adds check-generated
test:
	$(GO) test -race -count=1 ./...
	cd redislimit && $(GO) test -race -count=1 ./...

## bench: facade against a raw net/http client on the same loopback server, in six processes:
##        memory and allocations per client (BenchmarkGet, BenchmarkList), time call by call
##        with the clients alternating (BenchmarkPaired); then the throughput figures (pages
##        ahead, 429 herd, rate-limit window, API down), once
##        and the fleet sharing one account's limit (redislimit: 8 processes against
##        serve --rate-limit 1000/5s, alone then shared; about 40 s)
bench:
	@: > bench.txt; for i in 1 2 3 4 5 6; do \
		$(GO) test -run='^$$' -bench='^Benchmark(Get|List|Paired)$$' -benchmem -count=1 ./telnyx/ > bench.$$i.txt || exit 1; \
		cat bench.$$i.txt | tee -a bench.txt; rm bench.$$i.txt; \
	done
	$(GO) run $(BENCHSTAT) -filter '.name:(Get OR List)' -col /client bench.txt
	$(GO) run $(BENCHSTAT) -filter '.name:Paired .unit:(sdk/raw OR sdk-sec/call OR raw-sec/call)' -row /op -col .name bench.txt
	TELNYX_BENCH_THROUGHPUT=1 $(GO) test -run='^$$' -bench='^BenchmarkThroughput' -benchtime=1x -count=1 ./telnyx/ | tee bench-throughput.txt
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) build -o "$$tmp/roomsessions" ./cmd/roomsessions && \
	cd redislimit && TELNYX_BENCH_FLEET=1 ROOMSESSIONS_BIN="$$tmp/roomsessions" \
	$(GO) test -run='^$$' -bench='^BenchmarkFleet$$' -benchtime=1x -count=1 ./

## fuzz: every fuzz target for FUZZTIME each (make test runs their seed corpora)
FUZZTIME ?= 10m
fuzz:
	for t in FuzzErrorBody FuzzPageDecoding FuzzIDValidation FuzzSelection FuzzAnswerShapes; do \
		$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -timeout 0 ./telnyx/ || exit 1; \
	done
	$(GO) test -run '^$$' -fuzz '^FuzzShapeCheck$$' -fuzztime $(FUZZTIME) -timeout 0 ./internal/jsonstream/
	$(GO) test -run '^$$' -fuzz '^FuzzRequests$$' -fuzztime $(FUZZTIME) -timeout 0 ./telnyx/telnyxtest/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -timeout 0 ./telnyx/webhook/

## demo: a tour of all seven operations against the embedded fake (no key, no network)
demo:
	$(GO) run ./cmd/roomsessions demo

## serve: the fake API standalone on 127.0.0.1:4010, with sample data; Ctrl-C stops it
## (the binary is built first and run directly, because go run reports an interrupted
## program as a failure even when it exits 0, as serve does)
serve:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT INT TERM && \
	$(GO) build -o "$$tmp/roomsessions" ./cmd/roomsessions && \
	"$$tmp/roomsessions" serve --demo-data
