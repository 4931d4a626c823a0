package dictionary

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"slices"
	"strings"
	"text/template"
	"time"

	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

//go:embed templates/*
var templates embed.FS

// Doc is the data dictionary as a warehouse holds it: what `ccare docs` renders.
type Doc struct {
	Warehouse string   // the file it was read from
	Refresh   *Refresh // the last run that built core; nil if none did
	Tables    []Table  // in schema, then name, order
}

// Refresh is the last run that built core (ops.runs).
type Refresh struct {
	RunID   int64
	Job     string
	BuiltAt time.Time
}

// Table is one table or view with its columns.
type Table struct {
	Schema, Name string
	Kind         string // table | view
	Description  string
	Rows         int64
	// FedBy: the provider feeds ("provider/feed") whose rows it holds: from its lineage
	// columns, or else from those of the tables the dictionary says it is built from.
	FedBy   []string
	Columns []Column
}

// Column is one column of a table.
type Column struct{ Name, Type, Description string }

// ID is the table's anchor in the rendered pages.
func (t Table) ID() string { return t.Schema + "-" + strings.ReplaceAll(t.Name, "_", "-") }

// Read reads the descriptions, types, row counts and lineage of core, the user views and
// analyst from db (the published copy), and the last refresh from its run ledger.
func Read(ctx context.Context, db sqlfiles.Querier, d *Dictionary, warehouse string) (*Doc, error) {
	objects, err := readObjects(ctx, db)
	if err != nil {
		return nil, err
	}
	doc := &Doc{Warehouse: warehouse}
	for _, o := range objects {
		if o.column == "" {
			doc.Tables = append(doc.Tables, Table{Schema: o.schema, Name: o.table,
				Kind: map[bool]string{false: "table", true: "view"}[o.view], Description: o.comment})
			continue
		}
		t := &doc.Tables[len(doc.Tables)-1]
		t.Columns = append(t.Columns, Column{Name: o.column, Type: o.dataType, Description: o.comment})
	}
	own := map[string][]string{} // feeds of the tables with lineage columns
	for i := range doc.Tables {
		t := &doc.Tables[i]
		if err := tableRows(ctx, db, t); err != nil {
			return nil, err
		}
		if t.has("_provider") && t.has("_feed") {
			if own[t.Schema+"."+t.Name], err = tableList(ctx, db, "templates/table_feeds.sql", t); err != nil {
				return nil, err
			}
		}
	}
	for i := range doc.Tables {
		t := &doc.Tables[i]
		t.FedBy = fedBy(t.Schema+"."+t.Name, d, own, map[string]bool{})
		if _, ok := own[t.Schema+"."+t.Name]; ok || !t.has("provider") {
			continue
		}
		// A view of some providers' rows: only their feeds.
		providers, err := tableList(ctx, db, "templates/table_providers.sql", t)
		if err != nil {
			return nil, err
		}
		t.FedBy = slices.DeleteFunc(t.FedBy, func(feed string) bool {
			provider, _, _ := strings.Cut(feed, "/")
			return !slices.Contains(providers, provider)
		})
	}
	var r Refresh
	var built sql.NullTime
	switch err := sqlfiles.QueryRow(ctx, db, "dictionary/last_refresh.sql", nil, &r.RunID, &r.Job, &built); {
	case err == nil:
		r.BuiltAt = built.Time
		doc.Refresh = &r
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	return doc, nil
}

func (t *Table) has(column string) bool {
	return slices.ContainsFunc(t.Columns, func(c Column) bool { return c.Name == column })
}

func tableRows(ctx context.Context, db sqlfiles.Querier, t *Table) error {
	text, err := sqlfiles.Render("templates/table_rows.sql", map[string]string{"Schema": t.Schema, "Table": t.Name})
	if err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, text).Scan(&t.Rows); err != nil {
		return fmt.Errorf("count rows of %s.%s: %w", t.Schema, t.Name, err)
	}
	return nil
}

// tableList runs a templated query of one text column on table t.
func tableList(ctx context.Context, db sqlfiles.Querier, name string, t *Table) ([]string, error) {
	text, err := sqlfiles.Render(name, map[string]string{"Schema": t.Schema, "Table": t.Name})
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("%s on %s.%s: %w", name, t.Schema, t.Name, err)
	}
	defer rows.Close()
	var feeds []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		feeds = append(feeds, f)
	}
	return feeds, rows.Err()
}

// fedBy is a table's own feeds, or else the union of those of what it is built from.
func fedBy(name string, d *Dictionary, own map[string][]string, seen map[string]bool) []string {
	if feeds, ok := own[name]; ok {
		return feeds
	}
	if seen[name] {
		return nil
	}
	seen[name] = true
	var out []string
	for _, from := range d.Tables[name].From {
		for _, f := range fedBy(from, d, own, seen) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

var funcs = template.FuncMap{
	"cell": func(s string) string { // a Markdown table cell: one line, pipes escaped
		return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
	},
	"join":  strings.Join,
	"thous": thousands,
	"time":  func(t time.Time) string { return t.In(london).Format("2006-01-02 15:04 MST") },
}

// london: times are shown as the community reads them.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()

// Markdown writes the dictionary as one Markdown page.
func (doc *Doc) Markdown(w io.Writer) error {
	t, err := template.New("dictionary.md.tmpl").Funcs(funcs).ParseFS(templates, "templates/dictionary.md.tmpl")
	if err != nil {
		return err
	}
	return t.Execute(w, doc)
}

// HTML writes the dictionary as one self-contained HTML page (styles inline, no scripts,
// nothing fetched), which can be mailed or opened from a shared drive.
func (doc *Doc) HTML(w io.Writer) error {
	t, err := htmltemplate.New("dictionary.html.tmpl").Funcs(htmltemplate.FuncMap(funcs)).ParseFS(templates, "templates/dictionary.html.tmpl")
	if err != nil {
		return err
	}
	return t.Execute(w, doc)
}

// thousands writes n with comma separators: 1234567 → 1,234,567.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
