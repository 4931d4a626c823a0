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

# The floor (DuckDB alone reading the same files), the nightly job and hourly runs of 1% new
# data, with the ratios against their targets; results in Go benchmark format for benchstat
bench PEOPLE="20000":
    go run ./cmd/ccare bench --patients {{PEOPLE}}

# The same at 20,000, 200,000 and 1,000,000 people, and how time per record grows
bench-scaling:
    go run ./cmd/ccare bench --patients 20000,200000,1000000

# Then the next day's nightly job on top of the first night and the hourly runs: what every
# night after the first costs
bench-second-night PEOPLE="200000":
    go run ./cmd/ccare bench --patients {{PEOPLE}} --second-night

# Identity resolution at scale: the nightly job on 1,000,000 people (time, peak memory,
# identity resolution's own seconds, pairwise precision and recall against the truth)
bench-linkage PEOPLE="1000000":
    CCARE_BENCH_PEOPLE={{PEOPLE}} go test ./pipelines -run '^$' -bench '^BenchmarkNightly$' -benchtime 1x -timeout 180m

# One 1 GB HL7 batch and one 1 GB pg_dump through the nightly job, then the readers alone
bench-volume MB="1024":
    CCARE_VOLUME_MB={{MB}} go test ./pipelines -run '^$' -bench 'Nightly1GB$' -benchtime 1x -timeout 60m
    CCARE_BENCH_HL7_MB={{MB}} CCARE_PGDUMP_MB={{MB}} go test ./extract -run '^$' -bench '^Benchmark(HL7v2|HL7v2Read|PgDump1GB)$' -benchtime 1x -timeout 60m

# Fuzz every parser, one target after another (default 60s each)
fuzz TIME="60s":
    #!/usr/bin/env sh
    set -e
    for target in FuzzCSV FuzzXLSX FuzzXLSXWorkbook FuzzFixedWidth FuzzHL7v2 FuzzPgDump FuzzFHIR FuzzSQLite; do
        go test ./extract -run '^$' -fuzz "^$target\$" -fuzztime {{TIME}} -fuzzminimizetime 5s
    done
    go test ./pipelines -run '^$' -fuzz '^FuzzParseConfig$' -fuzztime {{TIME}} -fuzzminimizetime 5s
    go test ./schedule -run '^$' -fuzz '^FuzzParseSpec$' -fuzztime {{TIME}} -fuzzminimizetime 5s
    go test ./benefits -run '^$' -fuzz '^FuzzParse$' -fuzztime {{TIME}} -fuzzminimizetime 5s
    go test ./load -run '^$' -fuzz '^FuzzParseSums$' -fuzztime {{TIME}} -fuzzminimizetime 5s

# Query the demo warehouse, e.g. just sql "FROM core.person LIMIT 5"
sql QUERY:
    go run ./cmd/ccare sql "{{QUERY}}"

# The nightly job on the demo community, then three hourly runs of 1% new data each
bench-hourly:
    go test ./pipelines -run '^$' -bench 'BenchmarkHourly$' -benchtime 1x -timeout 30m

# The run history: status, seconds per phase, files and rows
runs:
    go run ./cmd/ccare runs

# What runs or last ran, each feed against its due times, what needs attention (exit 3 if anything)
status *ARGS:
    go run ./cmd/ccare status {{ARGS}}

# The run summary (summary.html, summary.xlsx) again, from the published copy
summary *ARGS:
    go run ./cmd/ccare report summary {{ARGS}}

# The business-case board pack from the demo warehouse, e.g. just report --benefits my.yaml
report *ARGS:
    go run ./cmd/ccare report benefits {{ARGS}}

# Build the ccare binary
build:
    go build -o ccare ./cmd/ccare

# The data dictionary (Markdown and self-contained HTML) from the published copy,
# e.g. just docs --out docs
docs *ARGS:
    go run ./cmd/ccare docs {{ARGS}}
