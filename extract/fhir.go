package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// FHIR R4 bulk export (NDJSON): one resource per line, a file per resource type. The feed's
// columns locate fields by simple JSON paths, evaluated per line:
//
//	id                                                    a member
//	meta.versionId                                        nested members
//	name[0].family                                        an array element by index
//	identifier[system=https://fhir.nhs.uk/Id/nhs-number].value   the first element whose
//	                                                      member system equals the text
//	code.coding[system=http://snomed.info/sct].code
//
// A member that holds an array where the path expects an object takes the array's first
// element. A missing value is an empty field (landing as NULL); an object or array at the
// end of a path is kept as compact JSON.

// FHIROptions are the `options:` of a fhir-ndjson feed.
type FHIROptions struct {
	// ResourceType, when set, is the resourceType every line must have; a line of another
	// type is a bad record (a file of the wrong type is caught line by line, not guessed).
	ResourceType string `yaml:"resource_type"`
}

func defaultFHIROptions() *FHIROptions { return &FHIROptions{} }

// maxFHIRLine bounds one resource held in memory.
const maxFHIRLine = 64 << 20

func openFHIR(src Source) (RecordReader, error) {
	fh, err := os.Open(src.Path)
	if err != nil {
		return nil, err
	}
	rr, err := readFHIR(fh, src.Options, src.Wanted)
	if err != nil {
		fh.Close()
		return nil, err
	}
	rr.closer = fh
	return rr, nil
}

func readFHIR(r io.Reader, options any, wanted []string) (*fhirFile, error) {
	opts, ok := options.(*FHIROptions)
	if !ok {
		return nil, fmt.Errorf("fhir-ndjson: options of type %T", options)
	}
	f := &fhirFile{r: bufio.NewReaderSize(r, 1<<16), header: wanted, resourceType: opts.ResourceType}
	for _, w := range wanted {
		p, err := parseJSONPath(w)
		if err != nil {
			return nil, fmt.Errorf("column locator %q: %w", w, err)
		}
		f.paths = append(f.paths, p)
	}
	return f, nil
}

type fhirFile struct {
	r            *bufio.Reader
	closer       io.Closer
	header       []string
	paths        [][]pathStep
	resourceType string
	line         int64
	buf          []byte
	parser       fastjson.Parser
}

func (f *fhirFile) Header() []string { return f.header }

func (f *fhirFile) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Next reads the next non-blank line as one resource.
func (f *fhirFile) Next() (Record, error) {
	for {
		line, err := f.readLine()
		if err == io.EOF {
			return Record{}, io.EOF
		}
		if err == errFHIRLineTooLong {
			return Record{Line: f.line}, &ParseError{Line: f.line, Err: err}
		}
		if err != nil {
			return Record{}, fmt.Errorf("line %d: %w", f.line+1, err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		fields, err := f.resource(line)
		if err != nil {
			return Record{Line: f.line}, &ParseError{Line: f.line, Err: err}
		}
		return Record{Fields: fields, Line: f.line}, nil
	}
}

var errFHIRLineTooLong = fmt.Errorf("the resource is longer than %d MB", maxFHIRLine>>20)

func (f *fhirFile) readLine() ([]byte, error) {
	f.buf = f.buf[:0]
	tooLong := false
	for {
		chunk, err := f.r.ReadSlice('\n')
		if !tooLong {
			if len(f.buf)+len(chunk) > maxFHIRLine {
				tooLong, f.buf = true, f.buf[:0]
			} else {
				f.buf = append(f.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(f.buf) == 0 && !tooLong {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		f.line++
		if tooLong {
			return nil, errFHIRLineTooLong
		}
		return f.buf, nil
	}
}

// resource parses one line and evaluates every locator on it. fastjson parses into a tree it
// reuses from line to line: a FHIR export is millions of lines, and decoding each into Go
// maps was most of this reader's time.
func (f *fhirFile) resource(line []byte) ([]string, error) {
	doc, err := f.parser.ParseBytes(line)
	if err != nil {
		if strings.Contains(err.Error(), "unexpected tail") {
			return nil, errors.New("more than one JSON value on the line")
		}
		return nil, fmt.Errorf("not valid JSON: %s", jsonFault(err))
	}
	if doc.Type() != fastjson.TypeObject {
		return nil, errors.New("the line is not a JSON object (a FHIR resource)")
	}
	if f.resourceType != "" {
		if rt := jsonText(doc.Get("resourceType")); rt != f.resourceType || doc.Get("resourceType").Type() != fastjson.TypeString {
			return nil, fmt.Errorf("resourceType %q where the feed expects %q", rt, f.resourceType)
		}
	}
	fields := make([]string, len(f.paths))
	for i, p := range f.paths {
		fields[i] = jsonText(evalPath(doc, p))
	}
	return fields, nil
}

// jsonFault says in a few words what fastjson found wrong, without its chain of "cannot
// parse object value: cannot parse array: …": the innermost reason, and where.
func jsonFault(err error) string {
	msg := err.Error()
	msg, tail, _ := strings.Cut(msg, "; unparsed tail: ")
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	switch {
	case tail == `""`:
		return "unexpected EOF"
	case tail != "":
		if len(tail) > 40 {
			tail = tail[:40] + `…"`
		}
		return msg + " at " + tail
	}
	return msg
}

// pathStep is one member of a path, with an optional index or filter on the array it holds.
type pathStep struct {
	name        string
	index       int // -1: none
	filterKey   string
	filterValue string
}

// parseJSONPath splits a locator at dots outside brackets.
func parseJSONPath(s string) ([]pathStep, error) {
	var steps []pathStep
	for s != "" {
		end, depth := len(s), 0
		for i := 0; i < len(s); i++ {
			if s[i] == '[' {
				depth++
			} else if s[i] == ']' {
				depth--
			} else if s[i] == '.' && depth == 0 {
				end = i
				break
			}
		}
		seg := s[:end]
		if end < len(s) {
			s = s[end+1:]
			if s == "" {
				return nil, errors.New("ends with a dot")
			}
		} else {
			s = ""
		}
		st := pathStep{index: -1}
		name, sel, hasSel := strings.Cut(seg, "[")
		st.name = name
		if name == "" {
			return nil, fmt.Errorf("empty member name in %q", seg)
		}
		if hasSel {
			if !strings.HasSuffix(sel, "]") {
				return nil, fmt.Errorf("%q: [ without ]", seg)
			}
			sel = strings.TrimSuffix(sel, "]")
			if k, v, ok := strings.Cut(sel, "="); ok {
				if k == "" {
					return nil, fmt.Errorf("%q: filter without a member name", seg)
				}
				st.filterKey, st.filterValue = k, v
			} else {
				n, err := strconv.Atoi(sel)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("%q: [%s] is neither an index nor member=value", seg, sel)
				}
				st.index = n
			}
		}
		steps = append(steps, st)
	}
	if len(steps) == 0 {
		return nil, errors.New("empty path")
	}
	return steps, nil
}

func evalPath(v *fastjson.Value, path []pathStep) *fastjson.Value {
	for _, st := range path {
		obj, ok := firstObject(v)
		if !ok {
			return nil
		}
		v = obj.Get(st.name)
		switch {
		case v == nil:
		case st.index >= 0:
			arr, err := v.Array()
			if err != nil || st.index >= len(arr) {
				return nil
			}
			v = arr[st.index]
		case st.filterKey != "":
			arr, err := v.Array()
			if err != nil {
				arr = []*fastjson.Value{v}
			}
			v = nil
			for _, el := range arr {
				if el.Type() == fastjson.TypeObject && jsonText(el.Get(st.filterKey)) == st.filterValue {
					v = el
					break
				}
			}
		}
		if v == nil || v.Type() == fastjson.TypeNull {
			return nil
		}
	}
	return v
}

// firstObject is v as an object, or the first element of an array of them.
func firstObject(v *fastjson.Value) (*fastjson.Value, bool) {
	if v == nil {
		return nil, false
	}
	if v.Type() == fastjson.TypeArray {
		arr, _ := v.Array()
		if len(arr) == 0 {
			return nil, false
		}
		v = arr[0]
	}
	return v, v.Type() == fastjson.TypeObject
}

// jsonText renders a value for a text field: strings as they are, numbers as written,
// booleans as true/false, null as empty, objects and arrays as compact JSON (members in
// name order, as encoding/json writes a decoded object: the same text whatever order the
// source wrote them in).
func jsonText(v *fastjson.Value) string {
	if v == nil {
		return ""
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return ""
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNumber:
		return string(v.MarshalTo(nil))
	case fastjson.TypeTrue:
		return "true"
	case fastjson.TypeFalse:
		return "false"
	}
	var x any
	dec := json.NewDecoder(bytes.NewReader(v.MarshalTo(nil)))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		return ""
	}
	b, err := json.Marshal(x)
	if err != nil {
		return ""
	}
	return string(b)
}
