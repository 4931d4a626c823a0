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
