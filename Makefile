# Field Results. `make run` starts the app, `make test` runs every test.

GO       ?= go
BIN      ?= bin
FUZZTIME ?= 30s
# Fyne reads the locale from LANG and complains about "C"; Go needs no
# generated locale for this.
export LANG := en_US.UTF-8

.PHONY: run build test test-short bench fuzz lint package deps deps-test clean

run: build ## build and start the desktop app
	./$(BIN)/fieldresults $(ARGS)

build: deps ## build the desktop app, the command-line tool and the headquarters endpoint into bin/
	$(GO) build -o $(BIN)/fieldresults .
	CGO_ENABLED=0 $(GO) build -o $(BIN)/results ./cmd/results
	CGO_ENABLED=0 $(GO) build -o $(BIN)/hq ./cmd/hq

test: deps-test ## every test: unit, fuzz seed corpora, the window test under Xvfb
	FIELDRESULTS_E2E=1 $(GO) test -count=1 -timeout 30m ./...

test-short: ## the tests that need no system packages and no window
	CGO_ENABLED=0 $(GO) test -count=1 ./data/... ./cmd/...

bench: deps ## benchmarks, 5 runs each (feed the output to benchstat); the first run builds a 1M-revision store (~10 min)
	$(GO) test -run '^$$' -bench . -benchmem -count 5 -timeout 90m ./data/... ./cmd/... ./app/...

fuzz: ## run each fuzz target for FUZZTIME (default 30s)
	@set -e; for pkg in $$($(GO) list ./data/... ./sync/... ./cmd/...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg; \
		done; \
	done

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

package: deps ## installer for this platform with fyne package (see FyneApp.toml)
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --release

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh --test

clean:
	rm -rf $(BIN)
