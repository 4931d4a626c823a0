// Package extract reads the files providers send, one reader per format, and lands their
// records in raw.* exactly as sent, with lineage. Every format registers itself in formats
// below with its options; a configuration naming any other format is refused.
package extract

import (
	"fmt"
	"sort"
	"strings"
)

// Record is one data record of a file, its fields as text in file order.
type Record struct {
	Fields []string
	Line   int64 // physical line where the record starts (the header is line 1)
}

// ParseError is a record that could not be read at all. The reader carries on with the
// next record, so one bad record costs one quarantine row, not the file.
type ParseError struct {
	Line int64
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

// RecordReader streams the records of one file. Header names the fields every record
// has, in order (for a self-describing file, its header line; for a file whose fields are
// located by the configuration, such as HL7 paths or a fixed-width layout, the Wanted
// locators). Next returns io.EOF after the last record, and a *ParseError for a record it
// could not read, after which Next may be called again: one bad record costs one
// quarantine row, not the file. Memory must stay bounded whatever the file's size.
type RecordReader interface {
	Header() []string
	Next() (Record, error)
	Close() error
}

// Source is one file to read.
type Source struct {
	Path    string
	Options any      // from the format's NewOptions, filled from ccare.yaml
	Wanted  []string // the locators the feed's columns map (the right-hand sides in ccare.yaml)
}

// Format describes one source format.
type Format struct {
	Name    string
	Summary string
	// NewOptions returns a pointer to the format's options with their defaults; the
	// configuration's `options:` mapping is decoded into it, unknown keys refused.
	NewOptions func() any
	// Open starts reading a file. An error here rejects the whole file (it cannot be read
	// at all); it should say why in words an operator can act on.
	Open func(src Source) (RecordReader, error)
}

var formats = map[string]Format{
	"csv": {
		Name:       "csv",
		Summary:    "delimited text with a header line (comma, pipe, semicolon; quoted or not)",
		NewOptions: func() any { return defaultCSVOptions() },
		Open:       openCSV,
	},
	"xlsx": {
		Name:       "xlsx",
		Summary:    "Excel workbook, a sheet per subject (one feed per sheet)",
		NewOptions: func() any { return defaultXLSXOptions() },
		Open:       openXLSX,
	},
	"fixedwidth": {
		Name:       "fixedwidth",
		Summary:    "fixed-width text with a declared layout (field, start, width, type), single-byte or UTF-8",
		NewOptions: func() any { return defaultFixedWidthOptions() },
		Open:       openFixedWidth,
	},
	"hl7v2": {
		Name:       "hl7v2",
		Summary:    "HL7 v2 ADT message batches (FHS/BHS envelopes or MLLP frames)",
		NewOptions: func() any { return defaultHL7v2Options() },
		Open:       openHL7v2,
	},
	"fhir-ndjson": {
		Name:       "fhir-ndjson",
		Summary:    "FHIR R4 bulk export, NDJSON per resource type; columns are simple JSON paths",
		NewOptions: func() any { return defaultFHIROptions() },
		Open:       openFHIR,
	},
	"pgdump": {
		Name:       "pgdump",
		Summary:    "PostgreSQL plain-text dump (CREATE TABLE + COPY), one table per feed",
		NewOptions: func() any { return defaultPgDumpOptions() },
		Open:       openPgDump,
	},
	"sqlite": {
		Name:       "sqlite",
		Summary:    "SQLite database file, one feed per table (option table:), rowid as the line",
		NewOptions: func() any { return defaultSQLiteOptions() },
		Open:       openSQLite,
	},
}

// Lookup returns the format registered under name.
func Lookup(name string) (Format, bool) {
	f, ok := formats[name]
	return f, ok
}

// Names lists every known format, sorted, for error messages.
func Names() string {
	var names []string
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
