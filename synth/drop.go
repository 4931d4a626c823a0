package synth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
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
	// hourly: the system sends the feed every hour (DEMO-COMMUNITY.md). Options.Hourly
	// writes its day as one file an hour, named file(d8 + "THH00"). Its writer must call
	// sink.next for every person in order, since a person's records go to one file.
	hourly bool
	// noHeaderLine: the first record starts on line 1 unless the writer writes lines before
	// it (and counts them in sink.line); otherwise on line 2, after a header line.
	noHeaderLine bool
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
	d        dialect
	t        traits
	r        *rand.Rand
	buf, tb  []byte

	// The file being written (its writer, truth rows, line and record count); with hourly
	// files, the current hour's (use).
	*dropFile

	dir    string
	fd     *feed
	hourly bool // one file an hour (Options.Hourly and an hourly feed)
	hour   int  // the hour whose file is being written
	files  []*dropFile
}

// dropFile is one drop file being written, under a temporary name until it is complete,
// with its part of the truth.
type dropFile struct {
	file, final, tmp string
	mtime            time.Time
	f                *os.File
	cw               *countingWriter
	w                *bufio.Writer
	truthPath        string
	tf               *os.File
	truth            *bufio.Writer // its rows of truth/records.csv
	line             int           // the line the next record starts on
	records          int           // records written to the file
}

// open starts the drop file name, modified at mtime once written, with the feed's header;
// truthPath is where its rows of the truth go (with hourly files, until the feed is done).
func (s *sink) open(name string, mtime time.Time, truthPath string) error {
	o := &dropFile{file: name, final: filepath.Join(s.dir, name), tmp: filepath.Join(s.dir, "."+name+".tmp"),
		mtime: mtime, truthPath: truthPath}
	var err error
	if o.f, err = os.Create(o.tmp); err != nil {
		return err
	}
	if o.tf, err = os.Create(truthPath); err != nil {
		o.f.Close()
		os.Remove(o.tmp)
		return err
	}
	s.files = append(s.files, o)
	size := 1 << 18
	if s.hourly {
		size = 1 << 16 // 24 files of each hourly feed are open at once
	}
	o.cw = &countingWriter{w: o.f, h: sha256.New()}
	o.w, o.truth = bufio.NewWriterSize(o.cw, size), bufio.NewWriterSize(o.tf, size)
	o.line = 2
	if s.fd.noHeaderLine {
		o.line = 1
	}
	_, err = o.w.Write(s.fd.dialect.appendRecord(nil, s.fd.header))
	return err
}

// use makes hour h's file the one written to. A feed's writer calls it before each person's
// records: a person's records all go to one file, and an hour's records keep their order.
func (s *sink) use(h int) { s.hour, s.dropFile = h, s.files[h] }

// close completes the files: each renamed into place with its time set, and its rows of the
// truth in part (hourly files' appended to it in hour order). It returns what it wrote.
func (s *sink) close(part string) ([]fileResult, error) {
	var out []fileResult
	for _, o := range s.files {
		if err := o.w.Flush(); err != nil {
			return nil, err
		}
		if err := o.f.Close(); err != nil {
			return nil, err
		}
		if err := os.Rename(o.tmp, o.final); err != nil {
			return nil, err
		}
		if err := os.Chtimes(o.final, o.mtime, o.mtime); err != nil {
			return nil, err
		}
		if err := o.truth.Flush(); err != nil {
			return nil, err
		}
		if err := o.tf.Close(); err != nil {
			return nil, err
		}
		out = append(out, fileResult{
			provider: s.provider, feed: s.feed, file: o.file, records: o.records,
			bytes: o.cw.n, sha256: hex.EncodeToString(o.cw.h.Sum(nil)),
		})
	}
	if !s.hourly {
		return out, nil
	}
	paths := make([]string, len(s.files))
	for k, o := range s.files {
		paths[k] = o.truthPath
	}
	return out, concatFiles(part, paths)
}

// concatFiles writes the files at paths, one after another, to dst.
func concatFiles(dst string, paths []string) error {
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	for _, p := range paths {
		in, err := os.Open(p)
		if err != nil {
			out.Close()
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if err != nil {
			out.Close()
			return err
		}
	}
	return out.Close()
}

// cleanUp removes what is left of a failed feed (files not renamed into place) and the
// hourly files' parts of the truth, once concatenated.
func (s *sink) cleanUp() {
	for _, o := range s.files {
		o.f.Close()
		os.Remove(o.tmp)
		o.tf.Close()
		if s.hourly {
			os.Remove(o.truthPath)
		}
	}
}

// hoursPerDay: Options.Hourly writes a file for every hour, even one with no records, as an
// interface engine that sends every hour does.
const hoursPerDay = 24

// next is called by a feed's writer before person i's records: it stops the run if it has
// been cancelled and, when the day is written hour by hour, moves on to the file of the
// person's hour: the people spread evenly over the day, in order. A writer whose person has
// a record of day D sent after that hour moves the person on (later).
func (s *sink) next(i int) error {
	if err := s.g.canceled(i); err != nil {
		return err
	}
	if s.hourly {
		s.use(i * hoursPerDay / len(s.g.people))
	}
	return nil
}

// later moves the current person's records to the file of the hour of t, if t is on D and
// after the hour now chosen: a file holds nothing sent after it was received.
func (s *sink) later(t time.Time) {
	if !s.hourly {
		return
	}
	y, m, d := t.In(london).Date()
	if dayOf(y, int(m), d) != s.g.day {
		return
	}
	if h := t.In(london).Hour(); h > s.hour {
		s.use(h)
	}
}

// hourStamp is the day and hour in an hourly file's name: 20261101T0900.
func hourStamp(d8 string, h int) string { return fmt.Sprintf("%sT%02d00", d8, h) }

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

// writeFeed writes one feed's drop files (each via a temporary name, renamed into place)
// and the part of truth/records.csv that describes them: the day's file, or with
// Options.Hourly an hourly feed's file for every hour. Either replaces the other form of the
// same day, so that an inbox never holds a day's records twice.
func (g *gen) writeFeed(sys *system, fd *feed, part string) (res []fileResult, err error) {
	dir := filepath.Join(g.inbox, sys.id, fd.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &sink{
		g: g, provider: sys.id, feed: fd.name, d: fd.dialect,
		t:   fd.traits,
		r:   rand.New(rand.NewPCG(g.seed, splitmix64(hashString(sys.id+"/"+fd.name)))),
		dir: dir, fd: fd, hourly: g.hourly && fd.hourly,
	}
	defer s.cleanUp()
	if err = g.removeOtherForm(dir, fd, s.hourly); err != nil {
		return nil, err
	}
	if s.hourly {
		for h := range hoursPerDay {
			if err = s.open(fd.file(hourStamp(g.d8, h)), g.hourEnd(h), fmt.Sprintf("%s-%02d", part, h)); err != nil {
				return nil, err
			}
		}
	} else if err = s.open(fd.file(g.d8), g.received, part); err != nil {
		return nil, err
	}
	s.use(0)
	if err = fd.write(g, s); err != nil {
		return nil, fmt.Errorf("write %s: %w", filepath.Join(dir, s.file), err)
	}
	return s.close(part)
}

// removeOtherForm removes the day's file of an hourly feed that is written hour by hour, or
// its hourly files when it is written whole.
func (g *gen) removeOtherForm(dir string, fd *feed, hourly bool) error {
	if !fd.hourly {
		return nil
	}
	var names []string
	if hourly {
		names = append(names, fd.file(g.d8))
	} else {
		for h := range hoursPerDay {
			names = append(names, fd.file(hourStamp(g.d8, h)))
		}
	}
	for _, name := range names {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
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
