package synth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// A drop file is written through a sink: it encodes records in the provider's dialect,
// applies the provider's habits (decided record by record by the feed's random stream),
// counts lines, hashes the bytes, and writes each record's fate to the ground truth.

// system is one source system of the community. Each lives in its own file and registers
// itself; adding a system adds a file.
type system struct {
	id    string
	feeds []feed
	// localID is the system's own identifier for person i, or "" if the system does not
	// know the person.
	localID func(g *gen, i int) string
	// extraIDs, if set, are person i's further local ids in the system (e.g. a duplicate
	// registration merged away by an HL7 A40): they are the same person in person_links.
	extraIDs func(g *gen, i int) []string
}

// feed is one file a system sends each day.
type feed struct {
	name    string
	file    func(d8 string) string // the file name for the day (YYYYMMDD)
	dialect dialect
	header  []string
	traits  // which habits its records can have
	write   func(g *gen, s *sink) error
}

var systems []system

func register(s system) { systems = append(systems, s) }

// dialect is how a provider lays out delimited text.
type dialect struct {
	delim byte
	quote quoting
	eol   string
}

type quoting uint8

const (
	quoteAll    quoting = iota // every field in double quotes (EMIS)
	quoteNeeded                // only fields holding the delimiter, a quote or a line break
	quoteNever                 // no quoting at all (SystmOne pipe files)
)

func (d dialect) appendRecord(b []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, d.delim)
		}
		b = d.appendField(b, f)
	}
	return append(b, d.eol...)
}

func (d dialect) appendField(b []byte, f string) []byte {
	switch d.quote {
	case quoteNever:
		return append(b, f...)
	case quoteNeeded:
		if !needsQuotes(f, d.delim) {
			return append(b, f...)
		}
	}
	b = append(b, '"')
	for i := 0; i < len(f); i++ {
		if f[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, f[i])
	}
	return append(b, '"')
}

func needsQuotes(f string, delim byte) bool {
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case delim, '"', '\n', '\r':
			return true
		}
	}
	return false
}

// truthCSV is the dialect of the ground-truth files.
var truthCSV = dialect{delim: ',', quote: quoteNeeded, eol: "\n"}

// habit is what a provider does to one record.
type habit uint8

const (
	habitNone habit = iota
	habitDuplicate
	habitMalformed
	habitFutureDate
	habitNHSSpaced
	habitNHSMissing
	habitNHSMistyped
	habitUnknownCode
	habitEndBeforeStart
	habitBeforeBirth
	habitImplausibleAge
	habitOrphan
	habitUnsent // never drawn: the record of a person whose person record cannot be read
	habitCount
)

// Habit rates, per record. A record gets at most one habit.
const (
	rateDuplicate   = 0.010
	rateMalformed   = 0.003
	rateFutureDate  = 0.003 // event feeds only
	rateNHSSpaced   = 0.030 // feeds with an NHS number only
	rateNHSMissing  = 0.020
	rateNHSMistyped = 0.010

	// Codes outside the reference lists: local codes, retired codes and codes keyed one digit
	// out that still pass the check digit. The commonest of the data-quality slips a coded
	// record has, yet rare: most codes are picked from the system's own list.
	rateUnknownCode = 0.004 // feeds with a clinical code
	// An encounter that ends before it starts: a discharge keyed against the wrong day, a
	// clock set wrong. As often as a date in the future, which is the same slip.
	rateEndBeforeStart = 0.003 // feeds with a start and an end
	// An event dated before the patient was born: the wrong patient picked from a list, or a
	// year typed wrong. Rarer than a wrong end date: the event date is the one people check.
	rateBeforeBirth = 0.002 // event feeds whose provider also sends the birth date
	// A birth date 121–140 years ago: a placeholder (01/01/1900) or a century typed wrong when
	// a record was keyed in. Only in person records of the less trusted systems, so that the
	// GP's birth date still wins the golden record (gpHolds, habits.go).
	rateImplausibleAge = 0.002 // person records of non-GP systems
	// A record whose patient id is in no person record the provider sends: the patient was
	// deleted or merged away and the clinical records stayed behind.
	rateOrphan = 0.003 // clinical records of providers with a separate person feed
)

// Reasons the truth gives the new habits, which the pipeline's rules are to count.
const (
	reasonUnknownCode    = "unknown_code"
	reasonEndBeforeStart = "discharge_before_admission"
	reasonBeforeBirth    = "before_birth"
	reasonImplausibleAge = "implausible_age"
	reasonOrphan         = "orphan"
)

// traits say which habits can befall a feed's records.
type traits struct {
	event  bool // an event date: future_date
	nhs    bool // an NHS number: spaced, missing, mistyped
	code   bool // a clinical code: unknown_code
	span   bool // a start and an end: discharge_before_admission
	birth  bool // an event date of a person whose birth date the same provider sends: before_birth
	person bool // a person record of a system less trusted than the GP's: implausible_age
	orphan bool // a local patient id the provider's separate person feed defines: orphan
}

func (t traits) allows(h habit) bool {
	switch h {
	case habitDuplicate, habitMalformed:
		return true
	case habitFutureDate:
		return t.event
	case habitNHSSpaced, habitNHSMissing, habitNHSMistyped:
		return t.nhs
	case habitUnknownCode:
		return t.code
	case habitEndBeforeStart:
		return t.span
	case habitBeforeBirth:
		return t.birth
	case habitImplausibleAge:
		return t.person
	case habitOrphan:
		return t.orphan
	}
	return false
}

// habitRates are the rates in the order a uniform draw is laid out: each habit has its own
// slice of [0,1) whether or not a feed allows it, so a feed that does not allow a habit
// has fewer habits but the others keep their rates.
func habitRates(boost float64) [habitCount]float64 {
	return [habitCount]float64{
		habitDuplicate: rateDuplicate, habitMalformed: rateMalformed, habitFutureDate: rateFutureDate,
		habitNHSSpaced: rateNHSSpaced, habitNHSMissing: rateNHSMissing, habitNHSMistyped: rateNHSMistyped,
		habitUnknownCode: boost * rateUnknownCode, habitEndBeforeStart: boost * rateEndBeforeStart,
		habitBeforeBirth: boost * rateBeforeBirth, habitImplausibleAge: boost * rateImplausibleAge,
		habitOrphan: boost * rateOrphan,
	}
}

// habitAt maps a uniform draw u in [0,1) to the habit of a record with traits t.
func (g *gen) habitAt(u float64, t traits) habit {
	for h := habitDuplicate; h < habitCount; h++ {
		if u < g.rates[h] {
			if t.allows(h) {
				return h
			}
			return habitNone
		}
		u -= g.rates[h]
	}
	return habitNone
}

type sink struct {
	g        *gen
	provider string
	feed     string
	file     string
	d        dialect
	t        traits
	r        *rand.Rand
	w        *bufio.Writer
	truth    *bufio.Writer
	line     int // the line the next record starts on
	records  int
	buf, tb  []byte
}

// habit draws the habit of the next record.
func (s *sink) habit() habit { return s.g.habitAt(s.r.Float64(), s.t) }

// fateOf is what becomes of copy c of a record with habit h (copies: 2 for a duplicate);
// malformed names the provider's reason for a record cut short or unreadable.
func fateOf(h habit, c, copies int, malformed string) (fate, reason string) {
	switch {
	case h == habitDuplicate && c < copies-1:
		return "superseded", "duplicate"
	case h == habitMalformed:
		return "quarantine", malformed
	case h == habitFutureDate:
		return "quarantine", "future_date"
	case h == habitEndBeforeStart:
		return "quarantine", reasonEndBeforeStart
	case h == habitBeforeBirth:
		return "quarantine", reasonBeforeBirth
	case h == habitUnknownCode:
		return "load", reasonUnknownCode
	case h == habitImplausibleAge:
		return "load", reasonImplausibleAge
	case h == habitOrphan, h == habitUnsent:
		return "load", reasonOrphan
	}
	return "load", ""
}

// futureDay is an event day 1–30 days after D, for the future_date habit.
func (s *sink) futureDay() day { return s.g.day + 1 + day(s.r.IntN(30)) }

// nhsNumber renders person p's NHS number as this record carries it, and the truth label.
func (s *sink) nhsNumber(h habit, p *person) (value, label string) {
	if p.nhs == 0 {
		return "", "missing"
	}
	n := nhsString(p.nhs)
	switch h {
	case habitNHSSpaced:
		return nhsSpaced(n), "spaced"
	case habitNHSMissing:
		return "", "missing"
	case habitNHSMistyped:
		return nhsMistype(n, s.r), "mistyped"
	}
	return n, "ok"
}

// emit writes one record (twice for a duplicate, cut short when malformed) and its fate.
func (s *sink) emit(fields []string, h habit, localID, personKey, recordID, nhsLabel string) error {
	n := len(fields)
	if h == habitMalformed {
		n -= 1 + s.r.IntN(3)
	}
	s.buf = s.d.appendRecord(s.buf[:0], fields[:n])
	lines := 1 + bytes.Count(s.buf[:len(s.buf)-len(s.d.eol)], []byte{'\n'})
	copies := 1
	if h == habitDuplicate {
		copies = 2
	}
	for c := range copies {
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
		s.records++
		fate, reason := fateOf(h, c, copies, "malformed")
		s.tb = truthCSV.appendRecord(s.tb[:0], []string{
			s.provider, s.feed, s.file, strconv.Itoa(s.records), strconv.Itoa(s.line),
			localID, personKey, recordID, nhsLabel, fate, reason,
		})
		if _, err := s.truth.Write(s.tb); err != nil {
			return err
		}
		s.line += lines
	}
	return nil
}

// fileResult is one row of truth/files.csv.
type fileResult struct {
	provider, feed, file string
	records              int
	bytes                int64
	sha256               string
}

type countingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.h.Write(p)
	c.n += int64(len(p))
	return c.w.Write(p)
}

// writeFeed writes one drop file (via a temporary name, renamed into place) and the
// part of truth/records.csv that describes it.
func (g *gen) writeFeed(sys *system, fd *feed, part string) (res fileResult, err error) {
	dir := filepath.Join(g.inbox, sys.id, fd.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	name := fd.file(g.d8)
	final := filepath.Join(dir, name)
	tmp := filepath.Join(dir, "."+name+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return res, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	tf, err := os.Create(part)
	if err != nil {
		return res, err
	}
	defer tf.Close()
	cw := &countingWriter{w: f, h: sha256.New()}
	s := &sink{
		g: g, provider: sys.id, feed: fd.name, file: name, d: fd.dialect,
		t:     fd.traits,
		r:     rand.New(rand.NewPCG(g.seed, splitmix64(hashString(sys.id+"/"+fd.name)))),
		w:     bufio.NewWriterSize(cw, 1<<18),
		truth: bufio.NewWriterSize(tf, 1<<18),
		line:  2,
	}
	if _, err = s.w.Write(fd.dialect.appendRecord(nil, fd.header)); err != nil {
		return res, err
	}
	if err = fd.write(g, s); err != nil {
		return res, fmt.Errorf("write %s: %w", final, err)
	}
	if err = s.w.Flush(); err != nil {
		return res, err
	}
	if err = s.truth.Flush(); err != nil {
		return res, err
	}
	if err = tf.Close(); err != nil {
		return res, err
	}
	if err = f.Close(); err != nil {
		return res, err
	}
	if err = os.Rename(tmp, final); err != nil {
		return res, err
	}
	if err = os.Chtimes(final, g.received, g.received); err != nil {
		return res, err
	}
	return fileResult{
		provider: sys.id, feed: fd.name, file: name, records: s.records,
		bytes: cw.n, sha256: hex.EncodeToString(cw.h.Sum(nil)),
	}, nil
}

// hashString is FNV-1a, used to give each feed its own random stream.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// guid formats two random words as an upper-case GUID (version 4 layout).
func guid(hi, lo uint64) string {
	const hexdig = "0123456789ABCDEF"
	hi = hi&^(0xf<<12) | 0x4<<12 // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	var b [36]byte
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*uint(i)) & 0xf
		} else {
			nib = lo >> (60 - 4*uint(i-16)) & 0xf
		}
		b[j] = hexdig[nib]
		j++
	}
	return string(b[:])
}

func (s *sink) newGUID() string { return guid(s.r.Uint64(), s.r.Uint64()) }
