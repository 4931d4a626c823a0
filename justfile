# Recipes for the Connecting Care warehouse. Every recipe is a plain `go` command you can
# also type yourself (see README.md). Install just with: npm install -g rust-just

default:
    @just --list

# Generate the demo community (20,000 people) and run the nightly job on it
demo *ARGS:
    go run ./cmd/ccare demo {{ARGS}}

# The whole test suite (what CI runs)
test:
    go test ./...

# Vet and check formatting
lint:
    go vet ./...
    test -z "$(gofmt -l .)"

# The nightly job on 100,000 people beside the DuckDB-alone floor (rows/s, peak memory)
bench PEOPLE="100000":
    CCARE_BENCH_PEOPLE={{PEOPLE}} go test ./pipelines -run '^$' -bench 'Nightly|Floor' -benchtime 1x -timeout 60m

# Fuzz every parser for a while each (default 30s)
fuzz TIME="30s":
    go test ./extract -run '^$' -fuzz FuzzCSV -fuzztime {{TIME}}

# Query the demo warehouse, e.g. just sql "FROM core.person LIMIT 5"
sql QUERY:
    go run ./cmd/ccare sql "{{QUERY}}"

# Build the ccare binary
build:
    go build -o ccare ./cmd/ccare
