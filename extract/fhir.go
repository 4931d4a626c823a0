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

// resource decodes one line and evaluates every locator on it.
func (f *fhirFile) resource(line []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber() // keep numbers as written: 12.50 stays 12.50
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value on the line")
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("the line is not a JSON object (a FHIR resource)")
	}
	if f.resourceType != "" {
		if rt, _ := obj["resourceType"].(string); rt != f.resourceType {
			return nil, fmt.Errorf("resourceType %q where the feed expects %q", rt, f.resourceType)
		}
	}
	fields := make([]string, len(f.paths))
	for i, p := range f.paths {
		fields[i] = jsonText(evalPath(obj, p))
	}
	return fields, nil
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

func evalPath(v any, path []pathStep) any {
	for _, st := range path {
		obj, ok := firstObject(v)
		if !ok {
			return nil
		}
		v = obj[st.name]
		switch {
		case st.index >= 0:
			arr, ok := v.([]any)
			if !ok || st.index >= len(arr) {
				return nil
			}
			v = arr[st.index]
		case st.filterKey != "":
			arr, ok := v.([]any)
			if !ok {
				arr = []any{v}
			}
			v = nil
			for _, el := range arr {
				if m, ok := el.(map[string]any); ok && jsonText(m[st.filterKey]) == st.filterValue {
					v = m
					break
				}
			}
		}
		if v == nil {
			return nil
		}
	}
	return v
}

// firstObject is v as an object, or the first element of an array of them.
func firstObject(v any) (map[string]any, bool) {
	if arr, ok := v.([]any); ok {
		if len(arr) == 0 {
			return nil, false
		}
		v = arr[0]
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// jsonText renders a value for a text field: strings as they are, numbers as written,
// booleans as true/false, null as empty, objects and arrays as compact JSON.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
