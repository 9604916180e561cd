# clientdesk: see README.md. Everything the targets need is installed by go.mod (Go tools) and
# infra/package.json (the CDK CLI, with its lockfile).

GO        ?= go
PORT      ?= 8080
FUNCTIONS := $(notdir $(wildcard functions/*))
BUILD_ENV := GOOS=linux GOARCH=arm64 CGO_ENABLED=0
BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"

CDK       := infra/node_modules/.bin/cdk
CDK_ENV   := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_VERSION_CHECK=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

.PHONY: dev test lint unit programs build sizes bench synth synth-check deploy clean

## dev: run the whole service locally on emulators (API on http://127.0.0.1:$(PORT))
dev: $(CDK)
	PORT=$(PORT) $(GO) run ./internal/cmd/dev

## test: every test: static checks, unit, integration against the emulators, the stack's
## template (assertions, IAM, cdk-nag), a synth through the pinned CDK CLI, and the functions'
## sizes against their limits
test: lint unit synth-check sizes

## lint: gofmt, go vet, staticcheck with every check (style ones included), and a go.mod that
## `go mod tidy` would leave as it is
lint:
	@unformatted="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck -checks all ./...

# The emulators that run as Node processes (SES) come from infra/package.json; LibreOffice,
# which opens the exports in the tests, and Chromium, which opens the e-mails, from Debian's
# packages.
unit: $(CDK) programs
	$(GO) test -race -count=1 ./...

## programs: what the tests open files in as a person does: LibreOffice Calc (Debian's
## libreoffice-calc-nogui: exports, failing rows) and Chromium (Debian's chromium: e-mails);
## says so where they cannot be installed
programs:
	@sh infra/tools/debian.sh soffice:libreoffice-calc-nogui chromium:chromium

## build: one bootstrap per function, linux/arm64, for provided.al2023
build:
	@for f in $(FUNCTIONS); do \
	  echo "build/$$f/bootstrap"; \
	  $(BUILD_ENV) $(GO) build $(BUILD_FLAGS) -o build/$$f/bootstrap ./functions/$$f || exit 1; \
	done

## sizes: each function's binary next to the peer's 7.1 MB; fails above the limits
## (routes 9.3 MB, workers 10.5 MB; see internal/cmd/sizes)
sizes: build
	@$(GO) run ./internal/cmd/sizes build

## bench: DynamoDB cost per operation (requests, items, read units), handler overhead,
## binary sizes, exports, start-up time of every function
bench: sizes $(CDK)
	$(GO) test -run '^$$' -bench 'RequestsPerOperation|GetOverhead' -benchtime 300x ./internal/api/
	$(GO) test -run '^$$' -bench ConcurrentWriters -benchtime 2x ./internal/api/
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 30m ./internal/store/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/jobs/
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./internal/imports/
	$(GO) test -run '^$$' -bench XLSX -benchtime 1x ./internal/sheet/
	$(GO) test -run '^$$' -bench ExportLocalStack -benchtime 3x ./internal/localstack/
	$(GO) test -run '^$$' -bench Startup -benchtime 10x ./infra/

## synth: the CloudFormation template of the whole service into cdk.out/, offline; a
## deployment's parameters come in CDK_ARGS (see README, "Deploy")
synth: build $(CDK)
	$(CDK_ENV) $(CDK) synth --quiet --no-notices $(CDK_ARGS)
	@echo "cdk.out/Clientdesk.template.json written"

# The offline synth of make test, with example parameters (a deployment must give its own).
EXAMPLE_CONTEXT := -c setupUrl=https://app.example.com/setup -c frontendOrigin=https://app.example.com -c senderIdentity=example.com
synth-check: build $(CDK)
	$(CDK_ENV) $(CDK) synth --quiet --no-notices $(EXAMPLE_CONTEXT)

## deploy: to the AWS account of your credentials (see README, "Deploy"); pass context with
## CDK_ARGS, e.g. make deploy CDK_ARGS='-c setupUrl=https://app.agency.example/setup -c frontendOrigin=https://app.agency.example -c senderIdentity=agency.example'
deploy: build $(CDK)
	$(CDK_ENV) $(CDK) deploy --no-notices --require-approval broadening $(CDK_ARGS)

# The CDK CLI, pinned by infra/package-lock.json. The go.mod marks node_modules as another
# module, so that ./... does not walk into the CLI's Go templates.
$(CDK): infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund
	echo 'module node_modules' > infra/node_modules/go.mod
	@touch $@

clean:
	rm -rf build cdk.out infra/node_modules
