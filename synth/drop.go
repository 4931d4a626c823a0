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
	event   bool // carries an event date: the future_date habit applies
	nhs     bool // carries an NHS number: the NHS number habits apply
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
)

// Habit rates, per record. A record gets at most one habit.
const (
	rateDuplicate   = 0.010
	rateMalformed   = 0.003
	rateFutureDate  = 0.003 // event feeds only
	rateNHSSpaced   = 0.030 // feeds with an NHS number only
	rateNHSMissing  = 0.020
	rateNHSMistyped = 0.010
)

type sink struct {
	g        *gen
	provider string
	feed     string
	file     string
	d        dialect
	event    bool
	nhs      bool
	r        *rand.Rand
	w        *bufio.Writer
	truth    *bufio.Writer
	line     int // the line the next record starts on
	records  int
	buf, tb  []byte
}

// habit draws the habit of the next record.
func (s *sink) habit() habit {
	u := s.r.Float64()
	if u < rateDuplicate {
		return habitDuplicate
	}
	u -= rateDuplicate
	if u < rateMalformed {
		return habitMalformed
	}
	u -= rateMalformed
	if u < rateFutureDate {
		if s.event {
			return habitFutureDate
		}
		return habitNone
	}
	u -= rateFutureDate
	if !s.nhs {
		return habitNone
	}
	switch {
	case u < rateNHSSpaced:
		return habitNHSSpaced
	case u < rateNHSSpaced+rateNHSMissing:
		return habitNHSMissing
	case u < rateNHSSpaced+rateNHSMissing+rateNHSMistyped:
		return habitNHSMistyped
	}
	return habitNone
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
		fate, reason := "load", ""
		switch {
		case h == habitDuplicate && c == 0:
			fate, reason = "superseded", "duplicate"
		case h == habitMalformed:
			fate, reason = "quarantine", "malformed"
		case h == habitFutureDate:
			fate, reason = "quarantine", "future_date"
		}
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
		event: fd.event, nhs: fd.nhs,
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
