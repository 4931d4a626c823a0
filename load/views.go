package load

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/bnssg-connecting-care/ccare/pseudonym"
	sqlfiles "github.com/bnssg-connecting-care/ccare/sql"
)

// Describer writes the data dictionary's descriptions into the warehouse (COMMENT ON), for
// the objects that exist.
type Describer interface {
	Apply(ctx context.Context, conn *sql.Conn) error
}

// PublishViews builds what the warehouse's readers query on top of core, after core is
// committed and before the published copy is made: the six user views (sql/views, plain
// views over core, so always current), the pseudonymised analyst tables (sql/analyst),
// and the descriptions of both and of core. key nil: there is no secret, so the analyst
// schema is dropped rather than left stale. All of it commits at once, so the published
// copy never shows new views with old analyst tables or the reverse.
func PublishViews(ctx context.Context, conn *sql.Conn, key *pseudonym.Key, dict Describer, log *slog.Logger) error {
	if key != nil {
		// Registered before the transaction: DuckDB adds the function to its catalogue
		// for as long as this database is open; it is never written to the file.
		if err := pseudonym.Register(conn, *key); err != nil {
			return err
		}
	}
	return sqlfiles.InTransaction(ctx, conn, func() error {
		start := time.Now()
		if err := sqlfiles.ExecDir(ctx, conn, "views", nil); err != nil {
			return err
		}
		if key == nil {
			if err := sqlfiles.Exec(ctx, conn, "analyst/00_drop.sql"); err != nil {
				return err
			}
		} else {
			for _, name := range []string{"analyst/10_person_key.sql", "analyst/20_tables.sql"} {
				if err := sqlfiles.Exec(ctx, conn, name); err != nil {
					return err
				}
			}
		}
		if err := dict.Apply(ctx, conn); err != nil {
			return err
		}
		log.Info("user views, analyst tables and descriptions in place", "analyst", key != nil, "seconds", time.Since(start).Round(time.Millisecond).Seconds())
		return nil
	})
}

// ReadersState says whether the warehouse holds an analyst schema, and all six user views.
func ReadersState(ctx context.Context, conn *sql.Conn) (analyst, userViews bool, err error) {
	err = sqlfiles.QueryRow(ctx, conn, "dictionary/readers_state.sql", nil, &analyst, &userViews)
	return analyst, userViews, err
}
