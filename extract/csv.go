package extract

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// CSVOptions are the `options:` of a csv feed.
type CSVOptions struct {
	// Delimiter is the one character between fields: "," (default), "|", ";" or "\t".
	Delimiter string `yaml:"delimiter"`
	// Quoting says whether the provider quotes fields (RFC 4180: a quoted field may hold the
	// delimiter, doubled quotes and line breaks). With quoting off, a quote is an ordinary
	// character and every line is one record, which is how pipe-delimited GP extracts behave.
	Quoting bool `yaml:"quoting"`
}

func defaultCSVOptions() *CSVOptions { return &CSVOptions{Delimiter: ",", Quoting: true} }

func (o *CSVOptions) delimiter() (rune, error) {
	d := o.Delimiter
	if d == `\t` {
		d = "\t"
	}
	r, size := utf8.DecodeRuneInString(d)
	if size == 0 || size != len(d) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
		return 0, fmt.Errorf("delimiter %q must be exactly one character, not a quote or line break", o.Delimiter)
	}
	return r, nil
}

func openCSV(src Source) (RecordReader, error) {
	fh, err := os.Open(src.Path)
	if err != nil {
		return nil, err
	}
	rr, err := readCSV(fh, src.Options)
	if err != nil {
		fh.Close()
		return nil, err
	}
	rr.closer = fh
	return rr, nil
}

func readCSV(r io.Reader, options any) (*csvFile, error) {
	opts, ok := options.(*CSVOptions)
	if !ok {
		return nil, fmt.Errorf("csv: options of type %T", options)
	}
	delim, err := opts.delimiter()
	if err != nil {
		return nil, err
	}
	var rr interface {
		Next() (Record, error)
	}
	if opts.Quoting {
		cr := csv.NewReader(r)
		cr.Comma = delim
		cr.FieldsPerRecord = -1 // the field count is checked against the header by the lander
		cr.ReuseRecord = true
		rr = &quotedReader{r: cr}
	} else {
		rr = &lineReader{r: bufio.NewReaderSize(r, 1<<16), delim: string(delim)}
	}
	header, err := rr.Next()
	if err == io.EOF {
		return nil, errors.New("the file is empty: no header line")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	h := make([]string, len(header.Fields))
	for i, f := range header.Fields {
		if i == 0 {
			f = strings.TrimPrefix(f, "\ufeff")
		}
		h[i] = strings.TrimSpace(f)
	}
	return &csvFile{header: h, next: rr.Next}, nil
}

type csvFile struct {
	header []string
	next   func() (Record, error)
	closer io.Closer
}

func (f *csvFile) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

func (f *csvFile) Header() []string      { return f.header }
func (f *csvFile) Next() (Record, error) { return f.next() }

type quotedReader struct{ r *csv.Reader }

func (q *quotedReader) Next() (Record, error) {
	fields, err := q.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Record{Line: int64(pe.StartLine)}, &ParseError{Line: int64(pe.StartLine), Err: pe.Err}
		}
		return Record{}, err
	}
	line, _ := q.r.FieldPos(0)
	return Record{Fields: fields, Line: int64(line)}, nil
}

// lineReader splits each line on the delimiter, with no quoting rules at all.
type lineReader struct {
	r      *bufio.Reader
	delim  string
	line   int64
	fields []string
}

func (l *lineReader) Next() (Record, error) {
	for {
		text, err := l.r.ReadString('\n')
		if text == "" && err != nil {
			return Record{}, err
		}
		if err != nil && err != io.EOF {
			return Record{}, err
		}
		l.line++
		text = strings.TrimRight(text, "\r\n")
		if text == "" {
			continue // blank lines are not records (as in RFC 4180 readers)
		}
		if !utf8.ValidString(text) {
			return Record{Line: l.line}, &ParseError{Line: l.line, Err: errors.New("the line is not valid UTF-8")}
		}
		l.fields = l.fields[:0]
		for {
			i := strings.Index(text, l.delim)
			if i < 0 {
				break
			}
			l.fields = append(l.fields, text[:i])
			text = text[i+len(l.delim):]
		}
		l.fields = append(l.fields, text)
		return Record{Fields: l.fields, Line: l.line}, nil
	}
}

// DuckDBReadOptions are the read_csv options that read the same layout, for the benchmark
// that measures DuckDB's own reader as the floor.
func (o *CSVOptions) DuckDBReadOptions() string {
	d := o.Delimiter
	if d == `\t` {
		d = "\t"
	}
	q := `quote = '"', escape = '"'`
	if !o.Quoting {
		q = "quote = ''"
	}
	return fmt.Sprintf("delim = '%s', %s", strings.ReplaceAll(d, "'", "''"), q)
}
