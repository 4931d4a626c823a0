// Package pseudonym keys the analyst schema: HMAC-SHA256 of an identifier with a secret
// that only the pipeline's process holds. The secret comes from the environment (or a file
// it names), never from ccare.yaml, and is never written to the database or a log.
//
// Without the secret a pseudonym cannot be recomputed from a person_id, so an analyst who
// sees analyst.* cannot join it back to core.person; with it (the pipeline), the same
// person gets the same pseudonym every night, so analyses can follow people over time.
package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// The environment variables the secret is read from: the key itself, or a file holding it
// (for secrets mounted by systemd's LoadCredential, Kubernetes or Vault agents).
const (
	EnvKey     = "CCARE_PSEUDONYM_KEY"
	EnvKeyFile = "CCARE_PSEUDONYM_KEY_FILE"
)

// ErrNoKey says neither variable is set: the analyst schema cannot be built.
var ErrNoKey = errors.New("no pseudonymisation secret: set " + EnvKey + " (the secret) or " +
	EnvKeyFile + " (a file holding it) in the pipeline's environment")

// Key is the secret. Its String and GoString hide it, so a Key logged by mistake shows nothing.
type Key struct{ secret []byte }

func (Key) String() string   { return "pseudonym.Key(hidden)" }
func (Key) GoString() string { return "pseudonym.Key(hidden)" }

// FromEnv reads the secret with getenv (os.Getenv in production). A key file's trailing
// newline is not part of the secret. It returns ErrNoKey when neither variable is set.
func FromEnv(getenv func(string) string) (Key, error) {
	if s := getenv(EnvKey); s != "" {
		return Key{secret: []byte(s)}, nil
	}
	path := getenv(EnvKeyFile)
	if path == "" {
		return Key{}, ErrNoKey
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", EnvKeyFile, err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return Key{}, fmt.Errorf("%s: %s is empty", EnvKeyFile, path)
	}
	return Key{secret: []byte(s)}, nil
}

// NewKey makes a key from a secret, for tests and tools.
func NewKey(secret string) Key { return Key{secret: []byte(secret)} }

// Of is the pseudonym of id within a domain ("person", "encounter"): hex of the first 16
// bytes of HMAC-SHA256(key, domain ":" id). The domain keeps a person's pseudonym from
// equalling an encounter's whose id happens to be the same text. 128 bits (NIST SP 800-107
// allows truncating an HMAC) make a collision among a million people a 1-in-10^26 event,
// at half the width of the full digest in every analyst row.
func (k Key) Of(domain, id string) string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(domain))
	m.Write([]byte{':'})
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// FunctionName is the SQL function Register adds: ccare_pseudonym(domain, id).
const FunctionName = "ccare_pseudonym"

// Register adds ccare_pseudonym(domain VARCHAR, id VARCHAR) → VARCHAR to conn's database,
// computing Key.Of. The function lives in DuckDB's in-memory catalogue for as long as the
// database is open: it is never persisted, so neither it nor the key reaches the file or
// the published copy, and SQL run elsewhere cannot call it.
//
// A scalar function rather than the Appender: the analyst SQL stays in sql/analyst as
// plain SELECTs that DuckDB runs on all its threads, and the ids never make a round trip
// through Go rows (a million people: one call per person, in 2,048-row vectors).
func Register(conn *sql.Conn, k Key) error {
	varchar, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err != nil {
		return err
	}
	if err := duckdb.RegisterScalarUDF(conn, FunctionName, udf{key: k, varchar: varchar}); err != nil {
		return fmt.Errorf("register %s: %w", FunctionName, err)
	}
	return nil
}

type udf struct {
	key     Key
	varchar duckdb.TypeInfo
}

func (u udf) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{u.varchar, u.varchar},
		ResultTypeInfo: u.varchar,
	}
}

func (u udf) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		domain, ok1 := values[0].(string)
		id, ok2 := values[1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s(domain, id): want two VARCHARs, got %T and %T", FunctionName, values[0], values[1])
		}
		return u.key.Of(domain, id), nil
	}}
}
