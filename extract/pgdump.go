package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// A PostgreSQL plain-text dump, as pg_dump writes it: SET lines, DDL (CREATE TABLE, functions
// with $$ bodies), then each table's data either as a COPY … FROM stdin; block in text format
// (tab-separated, \N for null, backslash escapes, ended by a line holding \.) or as INSERT
// statements (--inserts / --column-inserts). One feed reads one table; the dump is streamed
// line by line, so a file of any size is read in bounded memory.

// PgDumpOptions are the `options:` of a pgdump feed.
type PgDumpOptions struct {
	// Table is the table the feed reads: "schema.table", or a bare name to match that table
	// in any schema.
	Table string `yaml:"table"`
}

func defaultPgDumpOptions() *PgDumpOptions { return &PgDumpOptions{} }

// maxDumpLine bounds one line (or one INSERT statement) held in memory; a longer one is a
// bad record, skipped, not a reason to exhaust memory.
const maxDumpLine = 64 << 20

func openPgDump(src Source) (RecordReader, error) {
	fh, err := os.Open(src.Path)
	if err != nil {
		return nil, err
	}
	rr, err := readPgDump(fh, src.Options)
	if err != nil {
		fh.Close()
		return nil, err
	}
	rr.closer = fh
	return rr, nil
}

// readPgDump scans the dump up to the first data of the wanted table, which names the
// columns (Header). A dump that never mentions the table cannot be read for this feed.
func readPgDump(r io.Reader, options any) (*pgDump, error) {
	opts, ok := options.(*PgDumpOptions)
	if !ok {
		return nil, fmt.Errorf("pgdump: options of type %T", options)
	}
	if strings.TrimSpace(opts.Table) == "" {
		return nil, errors.New("pgdump: option table is required (the dump table this feed reads)")
	}
	d := &pgDump{r: bufio.NewReaderSize(r, 1<<16), want: splitQualified(opts.Table)}
	if len(d.want) == 0 || len(d.want) > 2 {
		return nil, fmt.Errorf("pgdump: option table %q is not a table name (schema.table or table)", opts.Table)
	}
	if err := d.seekData(); err != nil {
		return nil, err
	}
	if d.header == nil {
		if d.created == nil {
			return nil, fmt.Errorf("the dump has no table %s (no CREATE TABLE, COPY or INSERT for it)", opts.Table)
		}
		d.header = d.created // the table is defined but holds no rows
	}
	return d, nil
}

type pgMode uint8

const (
	modeStatements pgMode = iota // between statements, looking for the table's data
	modeCopy                     // inside the wanted table's COPY block
	modeSkipCopy                 // inside another table's COPY block
	modeDone                     // end of input
)

type pgDump struct {
	r       *bufio.Reader
	closer  io.Closer
	want    []string // wanted table: [schema, name] or [name]
	line    int64    // physical line of the last line read
	mode    pgMode
	lex     sqlLexer // quote state between statements
	created []string // columns of the wanted table's CREATE TABLE
	header  []string
	pending []pgRecord // records parsed ahead (INSERT tuples, or the first record found by Open)
	buf     []byte
	stmt    []byte
	cut     bool // the last line read had no line end: the file stops mid-line
}

type pgRecord struct {
	rec Record
	err error
}

func (d *pgDump) Header() []string { return d.header }

func (d *pgDump) Close() error {
	if d.closer == nil {
		return nil
	}
	return d.closer.Close()
}

// readLine returns the next physical line without its line end, valid until the next call.
// A line longer than maxDumpLine is reported as too long and skipped to its end.
func (d *pgDump) readLine() ([]byte, error) {
	d.buf = d.buf[:0]
	tooLong := false
	for {
		chunk, err := d.r.ReadSlice('\n')
		if !tooLong {
			if len(d.buf)+len(chunk) > maxDumpLine {
				tooLong = true
				d.buf = d.buf[:0]
			} else {
				d.buf = append(d.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(d.buf) == 0 && !tooLong {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		d.line++
		d.cut = err == io.EOF
		if tooLong {
			return nil, errLineTooLong
		}
		line := bytes.TrimSuffix(d.buf, []byte{'\n'})
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
}

var errLineTooLong = fmt.Errorf("the line is longer than %d MB", maxDumpLine>>20)

// seekData reads statements until the wanted table's data starts (Header set) or input ends.
func (d *pgDump) seekData() error {
	for d.header == nil && d.mode != modeDone {
		if err := d.step(); err != nil {
			return err
		}
	}
	return nil
}

// Next returns the wanted table's next row.
func (d *pgDump) Next() (Record, error) {
	for {
		if len(d.pending) > 0 {
			p := d.pending[0]
			d.pending = d.pending[1:]
			return p.rec, p.err
		}
		if d.mode == modeDone {
			return Record{}, io.EOF
		}
		if d.mode == modeCopy {
			return d.copyRow()
		}
		if err := d.step(); err != nil {
			return Record{}, err
		}
	}
}

// step reads one line outside the wanted COPY block and acts on it.
func (d *pgDump) step() error {
	line, err := d.readLine()
	if err == io.EOF {
		d.mode = modeDone
		return nil
	}
	if err == errLineTooLong {
		return nil // an overlong line outside the wanted table's data
	}
	if err != nil {
		return fmt.Errorf("line %d: %w", d.line+1, err)
	}
	switch d.mode {
	case modeSkipCopy:
		if string(line) == `\.` {
			d.mode = modeStatements
		}
		return nil
	case modeStatements:
		if !d.lex.idle() {
			d.lex.scan(line)
			return nil
		}
		return d.statement(line)
	}
	return nil
}

// statement looks at a line that starts a statement.
func (d *pgDump) statement(line []byte) error {
	switch {
	case hasPrefixFold(line, "COPY "):
		table, cols, ok := parseCopyHeader(string(line))
		if !ok || !d.wanted(table) {
			d.mode = modeSkipCopy
			return nil
		}
		d.mode = modeCopy
		if d.header == nil {
			d.header = cols
		}
		return nil
	case hasPrefixFold(line, "INSERT INTO "):
		return d.insert(line)
	case hasPrefixFold(line, "CREATE TABLE "):
		return d.createTable(line)
	}
	d.lex.scan(line)
	return nil
}

func (d *pgDump) wanted(table []string) bool {
	if len(table) == 0 {
		return false
	}
	if len(d.want) == 1 {
		return strings.EqualFold(table[len(table)-1], d.want[0])
	}
	return len(table) == 2 && strings.EqualFold(table[0], d.want[0]) && strings.EqualFold(table[1], d.want[1])
}

// createTable notes the wanted table's columns from its definition (one column a line, as
// pg_dump writes it), for INSERTs without a column list or a table with no rows.
func (d *pgDump) createTable(first []byte) error {
	rest := strings.TrimSpace(string(first[len("CREATE TABLE "):]))
	name, _, _ := strings.Cut(rest, "(")
	if !d.wanted(splitQualified(strings.TrimSpace(name))) || strings.HasSuffix(rest, ";") {
		return nil
	}
	var cols []string
	for {
		line, err := d.readLine()
		if err == io.EOF {
			d.mode = modeDone
			break
		}
		if err == errLineTooLong {
			continue
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", d.line+1, err)
		}
		t := strings.TrimSpace(string(line))
		if strings.HasPrefix(t, ")") {
			break
		}
		if t == "" || strings.HasPrefix(t, "--") || hasPrefixFold([]byte(t), "CONSTRAINT ") {
			continue
		}
		if col, _ := sqlIdent(t); col != "" {
			cols = append(cols, col)
		}
	}
	if d.created == nil {
		d.created = cols
	}
	d.lex = sqlLexer{} // the definition's own quotes were on lines read here, not lexed
	return nil
}

// insert reads one INSERT statement (it may span lines when a string holds line breaks) and
// queues its tuples if it is into the wanted table.
func (d *pgDump) insert(first []byte) error {
	start := d.line
	d.stmt = append(d.stmt[:0], first...)
	var lx sqlLexer
	lx.scan(first)
	tooLong := false
	for !lx.idle() || !bytes.HasSuffix(bytes.TrimRight(d.stmt, " \t"), []byte{';'}) {
		line, err := d.readLine()
		if err == io.EOF {
			d.mode = modeDone
			break
		}
		if err == errLineTooLong {
			tooLong = true
			continue
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", d.line+1, err)
		}
		lx.scan(line)
		if len(d.stmt) > maxDumpLine {
			tooLong = true
		}
		if !tooLong {
			d.stmt = append(d.stmt, '\n')
			d.stmt = append(d.stmt, line...)
		}
	}
	p := &insertParser{s: string(d.stmt), line: start}
	table, cols, err := p.head()
	if err != nil {
		// Which table a broken INSERT was for is unknown: report it only if it names ours.
		if table != nil && d.wanted(table) {
			d.pending = append(d.pending, pgRecord{Record{Line: start}, &ParseError{Line: start, Err: err}})
		}
		return nil
	}
	if !d.wanted(table) {
		return nil
	}
	if cols == nil {
		cols = d.created
	}
	if d.header == nil {
		if cols == nil {
			return fmt.Errorf("line %d: INSERT without a column list into a table the dump never defines", start)
		}
		d.header = cols
	}
	if tooLong {
		d.pending = append(d.pending, pgRecord{Record{Line: start}, &ParseError{Line: start, Err: fmt.Errorf("the INSERT statement is longer than %d MB", maxDumpLine>>20)}})
		return nil
	}
	for {
		line := p.line
		fields, more, err := p.tuple()
		if err != nil {
			d.pending = append(d.pending, pgRecord{Record{Line: line}, &ParseError{Line: line, Err: err}})
			return nil
		}
		d.pending = append(d.pending, pgRecord{rec: Record{Fields: fields, Line: line}})
		if !more {
			return nil
		}
	}
}

// copyRow reads one line of the wanted table's COPY block.
func (d *pgDump) copyRow() (Record, error) {
	line, err := d.readLine()
	if err == io.EOF {
		// The block has no \. terminator: the dump was cut short; the rows read stand.
		d.mode = modeDone
		return Record{}, io.EOF
	}
	if err == errLineTooLong {
		return Record{Line: d.line}, &ParseError{Line: d.line, Err: err}
	}
	if err != nil {
		return Record{}, fmt.Errorf("line %d: %w", d.line+1, err)
	}
	if string(line) == `\.` {
		d.mode = modeStatements
		return d.Next()
	}
	if d.cut {
		return Record{Line: d.line}, &ParseError{Line: d.line, Err: errors.New("the dump ends in the middle of this row (the file is truncated)")}
	}
	fields, err := copyFields(line)
	if err != nil {
		return Record{Line: d.line}, &ParseError{Line: d.line, Err: err}
	}
	return Record{Fields: fields, Line: d.line}, nil
}

// copyFields splits a COPY text-format row on tabs and undoes its escapes. \N alone is
// NULL, which lands as an empty field (and so as NULL).
func copyFields(line []byte) ([]string, error) {
	var fields []string
	var b []byte
	for {
		end := bytes.IndexByte(line, '\t')
		raw := line
		if end >= 0 {
			raw = line[:end]
		}
		if string(raw) == `\N` {
			fields = append(fields, "")
		} else {
			var err error
			b, err = unescapeCopy(b[:0], raw)
			if err != nil {
				return fields, fmt.Errorf("field %d: %w", len(fields)+1, err)
			}
			if !utf8.Valid(b) {
				return fields, fmt.Errorf("field %d: escapes make bytes that are not UTF-8", len(fields)+1)
			}
			fields = append(fields, string(b))
		}
		if end < 0 {
			break
		}
		line = line[end+1:]
	}
	return fields, nil
}

// unescapeCopy decodes PostgreSQL's COPY text escapes: \b \f \n \r \t \v \\, \ooo (octal),
// \xhh (hex), and a backslash before any other character stands for that character.
func unescapeCopy(dst, raw []byte) ([]byte, error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i == len(raw) {
			return dst, errors.New("a backslash ends the field (a bad escape)")
		}
		switch c = raw[i]; c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'v':
			dst = append(dst, '\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && i+1 < len(raw) && raw[i+1] >= '0' && raw[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(raw[i]-'0')
			}
			if v == 0 || v > 0xff {
				return dst, fmt.Errorf("octal escape \\%o is not a byte PostgreSQL would write", v)
			}
			dst = append(dst, byte(v))
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(raw) && isHex(raw[i+1]) {
				i++
				v = v*16 + hexVal(raw[i])
				n++
			}
			if n == 0 {
				dst = append(dst, 'x')
			} else if v == 0 {
				return dst, errors.New(`hex escape \x0 would be a NUL byte`)
			} else {
				dst = append(dst, byte(v))
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

func hexVal(c byte) int {
	if c <= '9' {
		return int(c - '0')
	}
	return int(c|0x20-'a') + 10
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// parseCopyHeader reads `COPY schema.table (a, b, "C") FROM stdin;`.
func parseCopyHeader(s string) (table, cols []string, ok bool) {
	rest := strings.TrimSpace(s[len("COPY "):])
	open := strings.IndexByte(rest, '(')
	if open < 0 {
		return nil, nil, false
	}
	table = splitQualified(strings.TrimSpace(rest[:open]))
	close := strings.LastIndexByte(rest, ')')
	if close < open || !strings.Contains(strings.ToUpper(rest[close:]), "FROM STDIN") {
		return table, nil, false
	}
	cols = splitIdents(rest[open+1 : close])
	return table, cols, len(cols) > 0
}

// splitQualified splits schema.table, unquoting "quoted" parts.
func splitQualified(s string) []string {
	var parts []string
	for s != "" {
		id, rest := sqlIdent(s)
		if id == "" {
			break
		}
		parts = append(parts, id)
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ".") {
			break
		}
		s = strings.TrimSpace(rest[1:])
	}
	return parts
}

func splitIdents(list string) []string {
	var out []string
	for list = strings.TrimSpace(list); list != ""; {
		id, rest := sqlIdent(list)
		if id == "" {
			return nil
		}
		out = append(out, id)
		rest = strings.TrimSpace(rest)
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return nil
		}
		list = strings.TrimSpace(rest[1:])
	}
	return out
}

// sqlIdent reads one identifier, plain or "double-quoted" ("" for a quote inside).
func sqlIdent(s string) (id, rest string) {
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				return b.String(), s[i+1:]
			}
			b.WriteByte(s[i])
		}
		return "", s
	}
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] == '$' || s[i] >= '0' && s[i] <= '9' || s[i]|0x20 >= 'a' && s[i]|0x20 <= 'z' || s[i] >= 0x80) {
		i++
	}
	return s[:i], s[i:]
}

// sqlLexer follows quoting across lines between statements, so that a line inside a
// string or a $$ function body is never taken for the start of a COPY or INSERT.
type sqlLexer struct {
	quote  byte   // '\'' or '"' while inside such a quote
	escape bool   // inside E'…' (backslash escapes)
	dollar string // the $tag$ while inside a dollar-quoted body
}

func (l *sqlLexer) idle() bool { return l.quote == 0 && l.dollar == "" }

func (l *sqlLexer) scan(line []byte) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case l.dollar != "":
			if bytes.HasPrefix(line[i:], []byte(l.dollar)) {
				i += len(l.dollar) - 1
				l.dollar = ""
			}
		case l.quote != 0:
			if l.escape && c == '\\' {
				i++
			} else if c == l.quote {
				if i+1 < len(line) && line[i+1] == l.quote {
					i++
				} else {
					l.quote, l.escape = 0, false
				}
			}
		case c == '-' && i+1 < len(line) && line[i+1] == '-':
			return // a comment to the end of the line
		case c == '\'' || c == '"':
			l.quote = c
			l.escape = c == '\'' && i > 0 && line[i-1]|0x20 == 'e' && (i == 1 || !isIdentByte(line[i-2]))
		case c == '$':
			if tag, ok := dollarTag(line[i:]); ok && (i == 0 || !isIdentByte(line[i-1])) {
				l.dollar = tag
				i += len(tag) - 1
			}
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c >= 0x80
}

// dollarTag reads $$ or $tag$ at the start of b.
func dollarTag(b []byte) (string, bool) {
	for i := 1; i < len(b); i++ {
		if b[i] == '$' {
			return string(b[:i+1]), true
		}
		if !isIdentByte(b[i]) || b[i] >= '0' && b[i] <= '9' && i == 1 {
			return "", false
		}
	}
	return "", false
}

// insertParser reads `INSERT INTO t [(cols)] VALUES (v, …)[, (v, …)];` as pg_dump writes it.
type insertParser struct {
	s    string
	i    int
	line int64 // physical line at position i
}

func (p *insertParser) advance(n int) {
	p.line += int64(strings.Count(p.s[p.i:p.i+n], "\n"))
	p.i += n
}

func (p *insertParser) space() {
	n := 0
	for p.i+n < len(p.s) && (p.s[p.i+n] == ' ' || p.s[p.i+n] == '\n' || p.s[p.i+n] == '\t' || p.s[p.i+n] == '\r') {
		n++
	}
	p.advance(n)
}

func (p *insertParser) keyword(k string) bool {
	p.space()
	if len(p.s)-p.i >= len(k) && strings.EqualFold(p.s[p.i:p.i+len(k)], k) {
		p.advance(len(k))
		return true
	}
	return false
}

// head reads up to VALUES: the table and its column list (nil when the statement has none).
func (p *insertParser) head() (table, cols []string, err error) {
	p.keyword("INSERT INTO")
	p.space()
	j := p.i
	for j < len(p.s) && p.s[j] != '(' && p.s[j] != ' ' && p.s[j] != '\n' {
		if p.s[j] == '"' {
			k := strings.IndexByte(p.s[j+1:], '"')
			if k < 0 {
				return nil, nil, errors.New("unterminated quoted table name")
			}
			j += k + 1
		}
		j++
	}
	table = splitQualified(p.s[p.i:j])
	p.advance(j - p.i)
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		k := strings.IndexByte(p.s[p.i:], ')')
		if k < 0 {
			return table, nil, errors.New("the column list is not closed")
		}
		cols = splitIdents(p.s[p.i+1 : p.i+k])
		if cols == nil {
			return table, nil, errors.New("the column list cannot be read")
		}
		p.advance(k + 1)
	}
	if !p.keyword("VALUES") {
		return table, nil, errors.New("no VALUES after the table name")
	}
	return table, cols, nil
}

// tuple reads one parenthesised list of values; more says another tuple follows.
func (p *insertParser) tuple() (fields []string, more bool, err error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return nil, false, errors.New("expected ( to open the values")
	}
	p.advance(1)
	for {
		p.space()
		v, err := p.value()
		if err != nil {
			return fields, false, fmt.Errorf("value %d: %w", len(fields)+1, err)
		}
		fields = append(fields, v)
		p.space()
		if p.i >= len(p.s) {
			return fields, false, errors.New("the statement ends inside the values")
		}
		switch p.s[p.i] {
		case ',':
			p.advance(1)
			continue
		case ')':
			p.advance(1)
		default:
			return fields, false, fmt.Errorf("unexpected %q after value %d", p.s[p.i], len(fields))
		}
		break
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ',' {
		p.advance(1)
		return fields, true, nil
	}
	if p.i < len(p.s) && p.s[p.i] == ';' {
		return fields, false, nil
	}
	return fields, false, errors.New("the statement does not end with ;")
}

// value reads one literal: NULL, a number or word (true, false), a 'string' (doubled quotes),
// an E'string' (backslash escapes), any of them followed by a ::type cast.
func (p *insertParser) value() (string, error) {
	if p.i >= len(p.s) {
		return "", errors.New("missing value")
	}
	var v string
	switch c := p.s[p.i]; {
	case c == '\'':
		s, err := p.quoted(false)
		if err != nil {
			return "", err
		}
		v = s
	case (c == 'E' || c == 'e') && p.i+1 < len(p.s) && p.s[p.i+1] == '\'':
		p.advance(1)
		s, err := p.quoted(true)
		if err != nil {
			return "", err
		}
		v = s
	default:
		j := p.i
		for j < len(p.s) && (isIdentByte(p.s[j]) || p.s[j] == '-' || p.s[j] == '+' || p.s[j] == '.') {
			j++
		}
		if j == p.i {
			return "", fmt.Errorf("unexpected %q", p.s[p.i])
		}
		v = p.s[p.i:j]
		p.advance(j - p.i)
		if strings.EqualFold(v, "NULL") {
			v = ""
		}
	}
	if strings.HasPrefix(p.s[p.i:], "::") { // a cast such as '2026-01-01'::date
		j := p.i + 2
		for j < len(p.s) && (isIdentByte(p.s[j]) || p.s[j] == ' ' && j+1 < len(p.s) && isIdentByte(p.s[j+1]) || p.s[j] == '.') {
			j++
		}
		p.advance(j - p.i)
	}
	return v, nil
}

func (p *insertParser) quoted(escapes bool) (string, error) {
	var b []byte
	for j := p.i + 1; j < len(p.s); j++ {
		c := p.s[j]
		if c == '\'' {
			if j+1 < len(p.s) && p.s[j+1] == '\'' {
				b = append(b, '\'')
				j++
				continue
			}
			if escapes {
				var err error
				if b, err = unescapeCopy(nil, b); err != nil {
					return "", err
				}
			}
			if !utf8.Valid(b) {
				return "", errors.New("the string is not valid UTF-8")
			}
			p.advance(j + 1 - p.i)
			return string(b), nil
		}
		if escapes && c == '\\' && j+1 < len(p.s) {
			b = append(b, c, p.s[j+1]) // kept for unescapeCopy, so \' does not end the string
			j++
			continue
		}
		b = append(b, c)
	}
	return "", errors.New("unterminated string")
}
