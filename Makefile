# clientdesk: see README.md. Everything the targets need is installed by go.mod (Go tools) and
# infra/package.json (the CDK CLI, with its lockfile).

GO        ?= go
PORT      ?= 8080
FUNCTIONS := $(notdir $(wildcard functions/*))
BUILD_ENV := GOOS=linux GOARCH=arm64 CGO_ENABLED=0
BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"

.PHONY: dev test lint unit build sizes bench clean

## dev: run the whole service locally on emulators (API on http://127.0.0.1:$(PORT))
dev:
	PORT=$(PORT) $(GO) run ./internal/cmd/dev

## test: every test: formatting and static checks, unit, integration against the emulators
test: lint unit

lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

unit:
	$(GO) test -race -count=1 ./...

## build: one bootstrap per function, linux/arm64, for provided.al2023
build:
	@for f in $(FUNCTIONS); do \
	  echo "build/$$f/bootstrap"; \
	  $(BUILD_ENV) $(GO) build $(BUILD_FLAGS) -o build/$$f/bootstrap ./functions/$$f || exit 1; \
	done

sizes: build
	@echo "function binary sizes (linux/arm64, stripped):"
	@for f in $(FUNCTIONS); do stat -c '%s' build/$$f/bootstrap | awk -v f=$$f '{ printf "  %-16s %6.2f MB\n", f, $$1 / 1e6 }'; done

## bench: DynamoDB cost per operation, handler overhead, binary sizes
bench: sizes
	$(GO) test -run '^$$' -bench . -benchtime 300x ./internal/...

clean:
	rm -rf build cdk.out
