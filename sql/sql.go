// Package sql holds every SQL statement the product runs, as .sql files that analysts can
// read and review. Go code only orchestrates: it reads these files by name and runs them.
package sql

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"
)

//go:embed schema/*.sql staging/*/*.sql quality/*.sql identity/*.sql incremental/*.sql core/*.sql ops/*.sql extract/*.sql reports/*.sql templates/*.sql lake/*.sql views/*.sql analyst/*.sql dictionary/*.sql shell/*.sql dictionary.yaml
var files embed.FS

// File returns the text of one embedded SQL file, e.g. File("core/person.sql").
func File(name string) (string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("sql file %s: %w", name, err)
	}
	return string(b), nil
}

// Dir lists the .sql files directly under dir, in name order: the order they must run in.
func Dir(dir string) ([]string, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("sql dir %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(names)
	return names, nil
}

// Render fills a templated SQL file (a statement whose table or column names come from
// configuration). Identifiers are quoted with the ident function, never spliced raw.
func Render(name string, data any) (string, error) {
	text, err := File(name)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Funcs(template.FuncMap{"ident": Ident, "literal": Literal}).Parse(text)
	if err != nil {
		return "", fmt.Errorf("parse template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("render template %s: %w", name, err)
	}
	return buf.String(), nil
}

// Ident quotes an SQL identifier.
func Ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Literal quotes an SQL string literal.
func Literal(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// Execer is a connection, pool or transaction that statements can run on.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (dbsql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *dbsql.Row
}

// Querier is a connection, pool or transaction that queries can run on.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*dbsql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *dbsql.Row
}

// Exec runs the embedded file name with args; errors name the file.
func Exec(ctx context.Context, db Execer, name string, args ...any) error {
	text, err := File(name)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, text, args...); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Query runs the embedded file name with args and returns its rows; errors name the file.
func Query(ctx context.Context, db interface {
	QueryContext(ctx context.Context, query string, args ...any) (*dbsql.Rows, error)
}, name string, args ...any) (*dbsql.Rows, error) {
	text, err := File(name)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

// QueryRow runs the embedded file name with args and scans its one row into dest.
func QueryRow(ctx context.Context, db interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *dbsql.Row
}, name string, args []any, dest ...any) error {
	text, err := File(name)
	if err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, text, args...).Scan(dest...); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// InTransaction runs fn between BEGIN and COMMIT on one connection, and rolls back if fn
// or the commit fails. (Explicit statements rather than database/sql's Tx, because the
// DuckDB appender works on the raw connection and must take part in the same transaction.)
func InTransaction(ctx context.Context, conn Execer, fn func() error) error {
	return InTransactionTimed(ctx, conn, fn, nil)
}

// InTransactionTimed is InTransaction, and tells committed, if given, how long the COMMIT
// took. That includes the checkpoint DuckDB runs at a commit once its write-ahead log has
// grown past checkpoint_threshold, which writes out every table changed since the last one:
// at a million people, 6–11 s that no SQL step's time shows.
func InTransactionTimed(ctx context.Context, conn Execer, fn func() error, committed func(seconds float64)) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	start := time.Now()
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if committed != nil {
		committed(time.Since(start).Seconds())
	}
	return nil
}

// ExecDir runs every file of dir in name order; done, if given, hears how long each took.
func ExecDir(ctx context.Context, db Execer, dir string, done func(name string, seconds float64)) error {
	names, err := Dir(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		start := time.Now()
		if err := Exec(ctx, db, name); err != nil {
			return err
		}
		if done != nil {
			done(name, time.Since(start).Seconds())
		}
	}
	return nil
}
