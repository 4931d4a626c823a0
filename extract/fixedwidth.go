package extract

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// FixedWidthOptions are the `options:` of a fixedwidth feed: the file's character set and
// its record layout, which the file itself does not carry.
type FixedWidthOptions struct {
	// Encoding is the file's character set: windows-1252 (default; what Windows exports
	// write, with £ at 0xA3 and é at 0xE9), iso-8859-1, or utf-8.
	Encoding string `yaml:"encoding"`
	// HeaderLines are title or header lines before the first record; they are skipped.
	HeaderLines int `yaml:"header_lines"`
	// RecordLength is the characters every record line has (without its line end). Zero
	// means the end of the layout's last field.
	RecordLength int `yaml:"record_length"`
	// Layout locates each field: 1-based start column and width in characters.
	Layout []FixedWidthField `yaml:"layout"`
}

// FixedWidthField is one field of a fixed-width layout.
type FixedWidthField struct {
	Field string `yaml:"field"`
	Start int    `yaml:"start"`
	Width int    `yaml:"width"`
	// Type is text (surrounding spaces dropped), number (spaces dropped; digits with an
	// optional sign and decimal point, else the record is quarantined) or date (spaces
	// dropped; eight digits YYYYMMDD or DDMMYYYY as the provider writes them, all zeros or
	// blank meaning none, anything else quarantines the record).
	Type string `yaml:"type"`
}

func defaultFixedWidthOptions() *FixedWidthOptions {
	return &FixedWidthOptions{Encoding: "windows-1252"}
}

// decoder turns one line's bytes into characters. Single-byte character sets map byte
// for byte, so a line's length in characters is its length in bytes.
type decoder func(line []byte) ([]rune, error)

func (o *FixedWidthOptions) decoder() (decoder, error) {
	switch strings.ToLower(o.Encoding) {
	case "windows-1252", "cp1252":
		return singleByte(charmap.Windows1252), nil
	case "iso-8859-1", "latin1":
		return singleByte(charmap.ISO8859_1), nil
	case "utf-8", "utf8":
		return func(line []byte) ([]rune, error) {
			if !utf8.Valid(line) {
				return nil, errors.New("the line is not valid UTF-8")
			}
			return []rune(string(line)), nil
		}, nil
	}
	return nil, fmt.Errorf("encoding %q is not one of windows-1252, iso-8859-1, utf-8", o.Encoding)
}

func singleByte(cm *charmap.Charmap) decoder {
	var table [256]rune
	for b := range table {
		table[b] = cm.DecodeByte(byte(b))
	}
	var buf []rune
	return func(line []byte) ([]rune, error) {
		buf = buf[:0]
		for _, b := range line {
			buf = append(buf, table[b])
		}
		return buf, nil
	}
}

// check validates the layout and returns the record length it implies.
func (o *FixedWidthOptions) check() (int, error) {
	if len(o.Layout) == 0 {
		return 0, errors.New("the layout declares no fields")
	}
	if o.HeaderLines < 0 {
		return 0, fmt.Errorf("header_lines %d is negative", o.HeaderLines)
	}
	end := 0
	seen := map[string]bool{}
	for i, f := range o.Layout {
		name := strings.ToLower(f.Field)
		switch {
		case f.Field == "":
			return 0, fmt.Errorf("layout[%d] has no field name", i)
		case seen[name]:
			return 0, fmt.Errorf("layout field %s is declared twice", f.Field)
		case f.Start < 1 || f.Width < 1:
			return 0, fmt.Errorf("layout field %s: start %d and width %d must both be 1 or more", f.Field, f.Start, f.Width)
		}
		switch f.Type {
		case "", "text", "number", "date":
		default:
			return 0, fmt.Errorf("layout field %s: type %q is not one of text, number, date", f.Field, f.Type)
		}
		seen[name] = true
		end = max(end, f.Start+f.Width-1)
	}
	if o.RecordLength == 0 {
		return end, nil
	}
	if o.RecordLength < end {
		return 0, fmt.Errorf("record_length %d is shorter than the layout, whose last field ends at %d", o.RecordLength, end)
	}
	return o.RecordLength, nil
}

func openFixedWidth(src Source) (RecordReader, error) {
	fh, err := os.Open(src.Path)
	if err != nil {
		return nil, err
	}
	rr, err := readFixedWidth(fh, src.Options, src.Wanted)
	if err != nil {
		fh.Close()
		return nil, err
	}
	rr.closer = fh
	return rr, nil
}

func readFixedWidth(r io.Reader, options any, wanted []string) (*fixedWidthFile, error) {
	opts, ok := options.(*FixedWidthOptions)
	if !ok {
		return nil, fmt.Errorf("fixedwidth: options of type %T", options)
	}
	length, err := opts.check()
	if err != nil {
		return nil, err
	}
	decode, err := opts.decoder()
	if err != nil {
		return nil, err
	}
	byName := make(map[string]FixedWidthField, len(opts.Layout))
	for _, f := range opts.Layout {
		byName[strings.ToLower(f.Field)] = f
	}
	// The record carries the mapped fields, in the order the configuration maps them.
	fields := make([]FixedWidthField, len(wanted))
	for i, w := range wanted {
		f, ok := byName[strings.ToLower(w)]
		if !ok {
			return nil, fmt.Errorf("the layout has no field %s (it declares %s)", w, layoutNames(opts.Layout))
		}
		fields[i] = f
	}
	f := &fixedWidthFile{
		r: bufio.NewReaderSize(r, 1<<16), header: wanted, fields: fields,
		length: length, decode: decode, out: make([]string, len(fields)),
	}
	for range opts.HeaderLines {
		if _, err := f.readLine(); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("header line %d: %w", f.line, err)
		}
	}
	return f, nil
}

func layoutNames(layout []FixedWidthField) string {
	names := make([]string, len(layout))
	for i, f := range layout {
		names[i] = f.Field
	}
	return strings.Join(names, ", ")
}

type fixedWidthFile struct {
	r      *bufio.Reader
	header []string
	fields []FixedWidthField
	length int
	decode decoder
	line   int64
	out    []string
	closer io.Closer
}

func (f *fixedWidthFile) Header() []string { return f.header }

func (f *fixedWidthFile) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// readLine returns the next physical line without its line end (LF or CRLF).
func (f *fixedWidthFile) readLine() ([]byte, error) {
	b, err := f.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than the buffer: gather it (it will fail the length check).
		long := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull {
			b, err = f.r.ReadSlice('\n')
			long = append(long, b...)
		}
		b = long
	}
	if len(b) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	f.line++
	b = b[:len(b)-len(trailingEOL(b))]
	return b, nil
}

func trailingEOL(b []byte) []byte {
	switch {
	case len(b) >= 2 && b[len(b)-2] == '\r' && b[len(b)-1] == '\n':
		return b[len(b)-2:]
	case len(b) >= 1 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r'):
		return b[len(b)-1:]
	}
	return nil
}

func (f *fixedWidthFile) Next() (Record, error) {
	for {
		b, err := f.readLine()
		if err != nil {
			return Record{}, err
		}
		if len(b) == 0 {
			continue // blank lines (a trailing one, typically) are not records
		}
		return f.record(b)
	}
}

// record cuts one line into the mapped fields. A line of the wrong length cannot be cut
// safely (every later field would shift), so it is refused whole, keeping the fields that
// lie entirely within it for the operator.
func (f *fixedWidthFile) record(b []byte) (Record, error) {
	line := f.line
	chars, err := f.decode(b)
	if err != nil {
		return Record{Line: line}, &ParseError{Line: line, Err: err}
	}
	if len(chars) != f.length {
		return Record{Line: line, Fields: f.within(chars)}, &ParseError{Line: line,
			Err: fmt.Errorf("the line has %d characters; the layout's records have %d", len(chars), f.length)}
	}
	for i, fd := range f.fields {
		v, err := fieldValue(fd, chars[fd.Start-1:fd.Start-1+fd.Width])
		if err != nil {
			return Record{Line: line, Fields: f.within(chars)}, &ParseError{Line: line,
				Err: fmt.Errorf("field %s (columns %d–%d): %w", fd.Field, fd.Start, fd.Start+fd.Width-1, err)}
		}
		f.out[i] = v
	}
	return Record{Fields: f.out, Line: line}, nil
}

// within returns, as text, the leading mapped fields that fit in a short line.
func (f *fixedWidthFile) within(chars []rune) []string {
	var out []string
	for _, fd := range f.fields {
		if fd.Start-1+fd.Width > len(chars) {
			break
		}
		out = append(out, strings.Trim(string(chars[fd.Start-1:fd.Start-1+fd.Width]), " "))
	}
	return out
}

func fieldValue(fd FixedWidthField, chars []rune) (string, error) {
	switch fd.Type {
	case "number":
		v := strings.TrimSpace(string(chars))
		if v != "" && !isDecimal(v) {
			return "", fmt.Errorf("%q is not a number", v)
		}
		return v, nil
	case "date":
		v := strings.TrimSpace(string(chars))
		if strings.Trim(v, "0") == "" {
			return "", nil // blank or zero-filled: no date
		}
		if len(v) != 8 || strings.Trim(v, "0123456789") != "" {
			return "", fmt.Errorf("%q is not an eight-digit date", v)
		}
		return v, nil
	}
	return strings.Trim(string(chars), " "), nil
}

func isDecimal(v string) bool {
	if v[0] == '-' || v[0] == '+' {
		v = v[1:]
	}
	digits, point := 0, false
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}
