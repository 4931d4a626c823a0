package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// HL7 v2 ADT batches. A file holds messages one after another, either inside a batch
// envelope (FHS/BHS … BTS/FTS, which carry nothing we keep) or framed for MLLP (each
// message between 0x0B and 0x1C 0x0D), or both, or neither. Segments end with \r as the
// standard says; \r\n and \n are accepted too, because files pass through Windows and Unix
// tools on their way. Each message is one record: its fields are the values the feed's
// column locators (e.g. PID-3[NH].1) point at, in the order the configuration lists them.
//
// Lines: a record's Line is the line of its MSH segment, counting every segment
// terminator (\r, \n or \r\n) in the file from 1, so that an operator opening the file in
// an editor that breaks lines on \r finds the message.

// HL7v2Options are the `options:` of an hl7v2 feed. Framing (batch envelope, MLLP, or
// bare messages) and the encoding characters are read from the file itself, so there is
// nothing to configure yet; the struct exists so that unknown keys are refused.
type HL7v2Options struct{}

func defaultHL7v2Options() *HL7v2Options { return &HL7v2Options{} }

// Limits that keep memory bounded whatever a file holds.
const (
	hl7MaxSegment = 1 << 20  // bytes in one segment
	hl7MaxMessage = 16 << 20 // bytes in one message
)

func openHL7v2(src Source) (RecordReader, error) {
	fh, err := os.Open(src.Path)
	if err != nil {
		return nil, err
	}
	rr, err := readHL7v2(fh, src.Wanted)
	if err != nil {
		fh.Close()
		return nil, err
	}
	rr.closer = fh
	return rr, nil
}

func readHL7v2(r io.Reader, wanted []string) (*hl7File, error) {
	locs := make([]hl7Locator, len(wanted))
	for i, w := range wanted {
		l, err := parseHL7Locator(w)
		if err != nil {
			return nil, err
		}
		locs[i] = l
	}
	return &hl7File{
		r:      bufio.NewReaderSize(r, 1<<16),
		header: wanted,
		locs:   locs,
		fields: make([]string, len(wanted)),
	}, nil
}

// hl7Locator is a parsed column locator: SEG(occurrence)-field[selector].component.subcomponent.
type hl7Locator struct {
	text       string
	seg        string
	occurrence int // 1-based: which of the message's segments with this id; 1 unless given
	field      int
	rep        int    // 1-based repetition, 0 = first (or the one selected by idType)
	idType     string // select the repetition whose component 5 (CX identifier type) is this
	component  int    // 0 = the whole repetition
	sub        int    // 0 = the whole component
}

var hl7LocatorPattern = regexp.MustCompile(`^([A-Za-z0-9]{3})(?:\(([0-9]+)\))?-([0-9]+)(?:\[([^\]]+)\])?(?:\.([0-9]+))?(?:\.([0-9]+))?$`)

func parseHL7Locator(s string) (hl7Locator, error) {
	m := hl7LocatorPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return hl7Locator{}, fmt.Errorf("column locator %q: want SEG-field[.component[.subcomponent]], "+
			"optionally with a segment occurrence (n) after the segment and a repetition [n] or "+
			"identifier type [NH] after the field, e.g. PID-3[NH].1 or PID(2)-3[PI].1", s)
	}
	l := hl7Locator{text: s, seg: strings.ToUpper(m[1]), occurrence: 1}
	if m[2] != "" {
		l.occurrence, _ = strconv.Atoi(m[2])
		if l.occurrence < 1 {
			return hl7Locator{}, fmt.Errorf("column locator %q: segment occurrences are numbered from 1", s)
		}
	}
	m = append(m[:2], m[3:]...)
	l.field, _ = strconv.Atoi(m[2])
	if l.field < 1 {
		return hl7Locator{}, fmt.Errorf("column locator %q: fields are numbered from 1", s)
	}
	if sel := m[3]; sel != "" {
		if n, err := strconv.Atoi(sel); err == nil {
			if n < 1 {
				return hl7Locator{}, fmt.Errorf("column locator %q: repetitions are numbered from 1", s)
			}
			l.rep = n
		} else {
			l.idType = sel
		}
	}
	if m[4] != "" {
		l.component, _ = strconv.Atoi(m[4])
		if l.component < 1 {
			return hl7Locator{}, fmt.Errorf("column locator %q: components are numbered from 1", s)
		}
	}
	if m[5] != "" {
		l.sub, _ = strconv.Atoi(m[5])
		if l.sub < 1 {
			return hl7Locator{}, fmt.Errorf("column locator %q: subcomponents are numbered from 1", s)
		}
	}
	return l, nil
}

// hl7Delims are a message's encoding characters, from MSH-1 and MSH-2.
type hl7Delims struct {
	field, component, repetition, escape, sub byte
}

// parseMSH reads the encoding characters from the start of an MSH segment.
func parseMSH(seg []byte) (hl7Delims, error) {
	if len(seg) < 4 {
		return hl7Delims{}, errors.New("MSH segment has no field separator (MSH-1)")
	}
	d := hl7Delims{field: seg[3]}
	if isAlnum(d.field) || d.field == ' ' {
		return hl7Delims{}, fmt.Errorf("MSH-1 field separator %q is a letter, digit or space", d.field)
	}
	enc := seg[4:]
	if i := bytes.IndexByte(enc, d.field); i >= 0 {
		enc = enc[:i]
	}
	// v2.4 has four encoding characters; v2.7 adds a fifth (truncation) that we ignore.
	if len(enc) < 4 || len(enc) > 5 {
		return hl7Delims{}, fmt.Errorf("MSH-2 encoding characters %q: want 4 (component, repetition, escape, subcomponent)", enc)
	}
	seen := map[byte]bool{d.field: true}
	for _, c := range enc {
		if isAlnum(c) || c == ' ' || seen[c] {
			return hl7Delims{}, fmt.Errorf("MSH-2 encoding characters %q: each must be a distinct punctuation character other than the field separator", enc)
		}
		seen[c] = true
	}
	d.component, d.repetition, d.escape, d.sub = enc[0], enc[1], enc[2], enc[3]
	return d, nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// isSegmentID says whether a segment starts with a three-character id (upper-case letters
// and digits, as Z-segments too) followed by the field separator or the segment's end.
func isSegmentID(seg []byte, fs byte) bool {
	if len(seg) < 3 || (len(seg) > 3 && seg[3] != fs) {
		return false
	}
	for _, c := range seg[:3] {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isEnvelope says whether a segment is a batch or file header or trailer.
func isEnvelope(seg []byte) bool {
	if len(seg) < 3 || (len(seg) > 3 && isAlnum(seg[3])) {
		return false
	}
	switch string(seg[:3]) {
	case "FHS", "BHS", "BTS", "FTS":
		return true
	}
	return false
}

type hl7Segment struct {
	id         string
	start, end int // offsets in hl7File.msg
}

type hl7File struct {
	r      *bufio.Reader
	closer io.Closer
	header []string
	locs   []hl7Locator
	fields []string

	seg      []byte // the segment just read (reused)
	segLong  bool   // the segment was cut at hl7MaxSegment
	lineNo   int64  // line of the segment just read
	pending  bool   // seg starts the next message and has not been consumed
	eof      bool
	msg      []byte // the current message's segments, back to back
	segments []hl7Segment
	messages int64
	// The fields of the segment the last locator read, split once: locators of the same
	// segment usually come together, and PV1-44 should not mean scanning 44 separators.
	cacheSeg        string
	cacheOccurrence int
	cacheFields     [][]byte
}

func (f *hl7File) Header() []string { return f.header }

func (f *hl7File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// readSegment reads the next segment up to its terminator into f.seg.
func (f *hl7File) readSegment() error {
	if f.eof {
		return io.EOF
	}
	f.seg, f.segLong = f.seg[:0], false
	got := false
	for {
		if f.r.Buffered() == 0 {
			if _, err := f.r.Peek(1); err != nil {
				if err == io.EOF {
					f.eof = true
					if got {
						f.lineNo++
						return nil
					}
				}
				return err
			}
		}
		data, _ := f.r.Peek(f.r.Buffered())
		got = true
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			f.appendSeg(data)
			f.r.Discard(len(data))
			continue
		}
		f.appendSeg(data[:i])
		cr := data[i] == '\r'
		f.r.Discard(i + 1)
		if cr {
			if b, err := f.r.Peek(1); err == nil && b[0] == '\n' {
				f.r.Discard(1)
			}
		}
		f.lineNo++
		return nil
	}
}

func (f *hl7File) appendSeg(b []byte) {
	if room := hl7MaxSegment - len(f.seg); len(b) > room {
		b, f.segLong = b[:room], true
	}
	f.seg = append(f.seg, b...)
}

// Next reads one message. A message runs from its MSH to the next MSH, envelope segment
// or the end of the file; segments before any MSH form a message of their own that cannot
// be read (it has no header to say what it is).
func (f *hl7File) Next() (Record, error) {
	f.msg, f.segments = f.msg[:0], f.segments[:0]
	var start int64
	var bad error
	var d hl7Delims
	for {
		if !f.pending {
			if err := f.readSegment(); err == io.EOF {
				break
			} else if err != nil {
				return Record{}, fmt.Errorf("message %d: %w", f.messages+1, err)
			}
		}
		f.pending = false
		seg := trimMLLP(f.seg)
		if len(seg) == 0 {
			continue // a blank line or the end of an MLLP frame
		}
		if isEnvelope(seg) {
			if start != 0 {
				break
			}
			continue
		}
		isMSH := bytes.HasPrefix(seg, []byte("MSH"))
		if isMSH && start != 0 {
			f.pending = true
			break
		}
		if start == 0 {
			start = f.lineNo
			if isMSH {
				d, bad = parseMSH(seg)
			} else {
				bad = fmt.Errorf("segment %q at line %d comes before any MSH: the message has no header", clip(seg), f.lineNo)
			}
		}
		if bad != nil {
			continue // skip to the next message
		}
		switch {
		case f.segLong:
			bad = fmt.Errorf("segment at line %d is longer than %d bytes", f.lineNo, hl7MaxSegment)
		case !isMSH && !isSegmentID(seg, d.field):
			bad = fmt.Errorf("line %d: %q is not a segment (a three-character id and the field separator %q)", f.lineNo, clip(seg), d.field)
		case len(f.msg)+len(seg) > hl7MaxMessage:
			bad = fmt.Errorf("message longer than %d bytes", hl7MaxMessage)
		default:
			f.segments = append(f.segments, hl7Segment{id: string(seg[:3]), start: len(f.msg), end: len(f.msg) + len(seg)})
			f.msg = append(f.msg, seg...)
		}
	}
	if start == 0 {
		return Record{}, io.EOF
	}
	f.messages++
	if bad != nil {
		return Record{Line: start}, &ParseError{Line: start, Err: fmt.Errorf("message %d: %w", f.messages, bad)}
	}
	f.cacheSeg = ""
	for i, l := range f.locs {
		f.fields[i] = f.value(l, d)
	}
	return Record{Fields: f.fields, Line: start}, nil
}

// trimMLLP drops MLLP framing bytes (start block 0x0B, end block 0x1C) around a segment.
func trimMLLP(seg []byte) []byte {
	for len(seg) > 0 && (seg[0] == 0x0b || seg[0] == 0x1c) {
		seg = seg[1:]
	}
	for len(seg) > 0 && seg[len(seg)-1] == 0x1c {
		seg = seg[:len(seg)-1]
	}
	return seg
}

// clip shortens a segment for an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// value finds what a locator points at in the current message ("" if absent).
func (f *hl7File) value(l hl7Locator, d hl7Delims) string {
	fields := f.segmentFields(l.seg, l.occurrence, d)
	if fields == nil {
		return ""
	}
	isMSH := l.seg == "MSH"
	if isMSH && l.field == 1 {
		return string(d.field)
	}
	n := l.field
	if isMSH {
		n-- // MSH-1 is the separator itself, so MSH-2 is the first field after "MSH"
	}
	if n >= len(fields) {
		return ""
	}
	field := fields[n]
	if isMSH && l.field == 2 {
		return string(field) // the encoding characters are not escaped text
	}
	rep := selectRepetition(field, l, d)
	if rep == nil {
		return ""
	}
	v := rep
	if l.component > 0 {
		v = nth(rep, d.component, l.component-1)
		if l.sub > 0 {
			v = nth(v, d.sub, l.sub-1)
		}
	}
	return unescapeHL7(v, d)
}

// segmentFields splits the message's nth segment with this id into its fields (the id is
// fields[0]), or returns nil if the message has fewer such segments.
func (f *hl7File) segmentFields(id string, nth int, d hl7Delims) [][]byte {
	if f.cacheSeg == id && f.cacheOccurrence == nth {
		return f.cacheFields
	}
	var seg []byte
	seen := 0
	for _, s := range f.segments {
		if s.id == id {
			if seen++; seen == nth {
				seg = f.msg[s.start:s.end]
				break
			}
		}
	}
	if seg == nil {
		return nil
	}
	f.cacheSeg, f.cacheOccurrence, f.cacheFields = id, nth, f.cacheFields[:0]
	for {
		i := bytes.IndexByte(seg, d.field)
		if i < 0 {
			f.cacheFields = append(f.cacheFields, seg)
			return f.cacheFields
		}
		f.cacheFields = append(f.cacheFields, seg[:i])
		seg = seg[i+1:]
	}
}

func selectRepetition(field []byte, l hl7Locator, d hl7Delims) []byte {
	switch {
	case l.idType != "":
		for k := 0; ; k++ {
			rep, ok := nthOK(field, d.repetition, k)
			if !ok {
				return nil
			}
			if strings.EqualFold(unescapeHL7(nth(rep, d.component, 4), d), l.idType) {
				return rep
			}
		}
	case l.rep > 0:
		return nth(field, d.repetition, l.rep-1)
	}
	return nth(field, d.repetition, 0)
}

// nth returns the n-th (0-based) piece of b split on sep, or nil.
func nth(b []byte, sep byte, n int) []byte {
	v, _ := nthOK(b, sep, n)
	return v
}

func nthOK(b []byte, sep byte, n int) ([]byte, bool) {
	for ; n > 0; n-- {
		i := bytes.IndexByte(b, sep)
		if i < 0 {
			return nil, false
		}
		b = b[i+1:]
	}
	if i := bytes.IndexByte(b, sep); i >= 0 {
		b = b[:i]
	}
	return b, true
}

// unescapeHL7 decodes the escape sequences of a value: \F\ \S\ \T\ \R\ \E\ stand for the
// delimiters, \Xhh…\ for bytes in hex, \.br\ for a line break; \H\ and \N\ (highlighting)
// are dropped. An unknown or unterminated sequence is kept as sent.
func unescapeHL7(v []byte, d hl7Delims) string {
	if bytes.IndexByte(v, d.escape) < 0 {
		return string(v)
	}
	var b strings.Builder
	for len(v) > 0 {
		i := bytes.IndexByte(v, d.escape)
		if i < 0 {
			b.Write(v)
			break
		}
		b.Write(v[:i])
		v = v[i+1:]
		j := bytes.IndexByte(v, d.escape)
		if j < 0 {
			b.WriteByte(d.escape)
			b.Write(v)
			break
		}
		if out, ok := escapeValue(v[:j], d); ok {
			b.WriteString(out)
		} else {
			b.WriteByte(d.escape)
			b.Write(v[:j+1])
		}
		v = v[j+1:]
	}
	return b.String()
}

func escapeValue(seq []byte, d hl7Delims) (string, bool) {
	switch string(seq) {
	case "F":
		return string(d.field), true
	case "S":
		return string(d.component), true
	case "T":
		return string(d.sub), true
	case "R":
		return string(d.repetition), true
	case "E":
		return string(d.escape), true
	case "H", "N":
		return "", true
	case ".br":
		return "\n", true
	}
	if len(seq) > 1 && seq[0] == 'X' && len(seq)%2 == 1 {
		out := make([]byte, 0, len(seq)/2)
		for k := 1; k < len(seq); k += 2 {
			n, err := strconv.ParseUint(string(seq[k:k+2]), 16, 8)
			if err != nil {
				return "", false
			}
			out = append(out, byte(n))
		}
		return string(out), true
	}
	return "", false
}
