// Package yamlfault locates what is wrong in a YAML file the operator wrote (ccare.yaml, the
// business case's assumptions) by file, line and field, so that every fault found is
// reported at once with where to mend it.
package yamlfault

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Error is a fault in a YAML file, located by line.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// FromYAML is err, from parsing or decoding file name, as an Error at the line the YAML
// library names.
func FromYAML(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return &Error{File: name, Line: ye.GetToken().Position.Line, Msg: ye.GetMessage()}
	}
	return &Error{File: name, Msg: err.Error()}
}

// Decode parses data, the text of the file name, and decodes it into v with unknown fields
// refused, returning the parsed file for a Collector to locate later faults in.
//
// YAML tags (!!str, !x) are refused, at their line. None of our files needs one (a value
// meant as text is quoted), and go-yaml v1.19.2, the latest release, panics on a tagged
// scalar where a list is expected (goccy/go-yaml#735; fixed upstream, not yet released).
// Any other panic of the library's parser or decoder is returned as this file's error
// too: a typing slip in ccare.yaml must stop the command with a message naming the file,
// not a Go stack trace.
func Decode(name string, data []byte, v any) (file *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, &Error{File: name, Msg: fmt.Sprintf("the YAML library could not decode this file (%v); check it against the documented example", r)}
		}
	}()
	file, err = parser.ParseBytes(data, 0)
	if err != nil {
		return nil, FromYAML(name, err)
	}
	if tag := firstTag(file); tag != nil {
		return nil, &Error{File: name, Line: tag.GetToken().Position.Line, Field: fieldOf(tag.GetPath()),
			Msg: fmt.Sprintf("YAML tags such as %s are not read in this file: write the value alone (in quotes to keep it as text)", tag.Start.Value)}
	}
	if err := yaml.UnmarshalWithOptions(data, v, yaml.DisallowUnknownField()); err != nil {
		return nil, FromYAML(name, err)
	}
	return file, nil
}

// firstTag is the first tagged node of file, or nil.
func firstTag(file *ast.File) *ast.TagNode {
	var f tagFinder
	for _, doc := range file.Docs {
		if f.found == nil && doc != nil {
			ast.Walk(&f, doc)
		}
	}
	return f.found
}

// tagFinder is an ast.Visitor that keeps the first tag it meets. Unlike ast.Filter's, it
// copes with the absent nodes the parser leaves (an empty file's document has no body).
type tagFinder struct{ found *ast.TagNode }

func (f *tagFinder) Visit(n ast.Node) ast.Visitor {
	if n == nil || f.found != nil {
		return nil
	}
	if tag, ok := n.(*ast.TagNode); ok && tag.GetToken() != nil {
		f.found = tag
		return nil
	}
	return f
}

// fieldOf is the field a YAML path names, as faults are reported: $.providers[2].feeds[0].name
// is name, $.feeds[0] is feeds, and the document itself is "".
func fieldOf(path string) string {
	for strings.HasSuffix(path, "]") {
		i := strings.LastIndex(path, "[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return ""
}

// Collector gathers the faults found while checking one parsed file.
type Collector struct {
	Name string
	File *ast.File
	Errs []error
}

// Node is the node at path (a YAML path such as $.providers[2].feeds), or nil.
func (c *Collector) Node(path string) ast.Node {
	p, err := yaml.PathString(path)
	if err != nil {
		return nil
	}
	n, err := p.FilterFile(c.File)
	if err != nil {
		return nil
	}
	return n
}

// Line finds the line of path, or of its nearest ancestor present in the file.
func (c *Collector) Line(path string) int {
	for path != "" && path != "$" {
		if n := c.Node(path); n != nil && n.GetToken() != nil {
			return n.GetToken().Position.Line
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// Fail records a fault of field at path.
func (c *Collector) Fail(path, field, msg string) {
	c.Errs = append(c.Errs, &Error{File: c.Name, Line: c.Line(path), Field: field, Msg: msg})
}

// FailErr records err as a fault of field at path, at the line the YAML library names if
// it names one.
func (c *Collector) FailErr(path, field string, err error) {
	line := c.Line(path)
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		line = ye.GetToken().Position.Line
		err = errors.New(ye.GetMessage())
	}
	c.Errs = append(c.Errs, &Error{File: c.Name, Line: line, Field: field, Msg: err.Error()})
}

// Err is every fault recorded, joined, or nil.
func (c *Collector) Err() error { return errors.Join(c.Errs...) }
