package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Volume files are the large single files the memory benchmarks feed to the readers and to
// the nightly job: shaped like the real system's (same segments, escapes, table layout) but
// not tied to a population, so they can be any size without generating millions of people.

// WriteVolumeFile writes path with write (once: a finished file is kept between benchmark
// runs, with its record count beside it in path+".count") and returns the record count.
func WriteVolumeFile(path string, size int64, write func(io.Writer, int64) (int64, error)) (int64, error) {
	countPath := path + ".count"
	if data, err := os.ReadFile(countPath); err == nil {
		if n, err := strconv.ParseInt(string(data), 10, 64); err == nil {
			if st, err := os.Stat(path); err == nil && st.Size() >= size-1<<20 {
				return n, nil
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n, err := write(w, size)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(path+".tmp", path)
	}
	if err != nil {
		os.Remove(path + ".tmp")
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, os.WriteFile(countPath, []byte(strconv.FormatInt(n, 10)), 0o644)
}

type volumeWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *volumeWriter) WriteString(s string) {
	if c.err != nil {
		return
	}
	n, err := io.WriteString(c.w, s)
	c.n += int64(n)
	c.err = err
}

// WriteADTVolume writes an nbt-pas batch file of about size bytes: FHS/BHS, then ADT
// messages of every event type the feed sends (A40s with their MRG segment, A31s without a
// visit), with escape sequences and NHS-number repetitions, then BTS/FTS. It returns the
// number of messages.
func WriteADTVolume(w io.Writer, size int64) (int64, error) {
	cw := &volumeWriter{w: w}
	r := rand.New(rand.NewPCG(1, 2))
	events := []string{"A01", "A02", "A03", "A04", "A08", "A31", "A40"}
	cw.WriteString("FHS|^~\\&|PAS|RVJ|CCARE|BNSSG|20261101235959\rBHS|^~\\&|PAS|RVJ|CCARE|BNSSG|20261101235959\r")
	var n int64
	var sb strings.Builder
	for cw.n < size && cw.err == nil {
		n++
		sb.Reset()
		ev := events[r.IntN(len(events))]
		at := fmt.Sprintf("202610%02d%02d%02d", 1+r.IntN(30), r.IntN(24), r.IntN(60))
		mrn := fmt.Sprintf("RVJ%08d", r.IntN(20_000_000))
		fmt.Fprintf(&sb, "MSH|^~\\&|PAS|RVJ|CCARE|BNSSG|%s||ADT^%s^ADT_A01|NBT%d|P|2.4|||AL|NE\r", at, ev, n)
		fmt.Fprintf(&sb, "EVN|%s|%s\r", ev, at)
		fmt.Fprintf(&sb, "PID|1||%s^^^RVJ^PI~999%07d^^^NHS^NH||O'Brien\\T\\Smith^Mary||19%02d%02d%02d|F|||^^Bristol^^BS%d %dAB^GBR\r",
			mrn, r.IntN(10_000_000), r.IntN(100), 1+r.IntN(12), 1+r.IntN(28), 1+r.IntN(40), r.IntN(10))
		sb.WriteString("PD1|||^^L81001\r")
		if ev == "A40" {
			fmt.Fprintf(&sb, "MRG|RVJ%08d^^^RVJ^PI\r", r.IntN(20_000_000))
		}
		if ev == "A31" || ev == "A40" {
			sb.WriteString("PV1|1|N\r")
		} else {
			fmt.Fprintf(&sb, "PV1|1|I|GATE7A^^^RVJ01|||BRUN9A^^^RVJ01|||||||||||||V%d|||||||||||||||||||||||||%s|\r", r.IntN(100_000_000), at)
		}
		cw.WriteString(sb.String())
	}
	cw.WriteString(fmt.Sprintf("BTS|%d\rFTS|1\r", n))
	return n, cw.err
}

// WriteCDWVolume writes an nbt-cdw plain dump of about size bytes: the diagnoses table's
// COPY block (with \N nulls and backslash escapes, nearly all of the file), then a short
// INSERT section for the legacy allergy register. It returns the number of diagnoses rows.
func WriteCDWVolume(w io.Writer, size int64) (int64, error) {
	cw := &volumeWriter{w: w}
	cw.WriteString("SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n")
	cw.WriteString("CREATE TABLE cdw.diagnoses (\n    diagnosis_id bigint NOT NULL,\n    mrn character varying(10)\n);\n\n")
	cw.WriteString("COPY cdw.diagnoses (diagnosis_id, mrn, spell_id, icd10_code, diagnosis_description, diagnosis_sequence, diagnosis_date, clinician_comment, recorded_at) FROM stdin;\n")
	comments := []string{`\N`, `\N`, `\N`, `Pt declined\tobs`, `Discussed with reg.\nFollow-up`, `\\\\nbt-fs01\\lab`}
	var rows int64
	for ; cw.n < size-4096 && cw.err == nil; rows++ {
		i := rows
		cw.WriteString(fmt.Sprintf("%d\tRVJ%07d\t%d\tJ189\tPneumonia, unspecified\t%d\t2025-%02d-%02d\t%s\t2025-%02d-%02d 10:%02d:00+00\n",
			40_000_000+i, i%10_000_000, 7_000_000+i/3, 1+i%4, 1+i%12, 1+i%28, comments[i%int64(len(comments))], 1+i%12, 1+i%28, i%60))
	}
	cw.WriteString("\\.\n\n")
	for i := 0; i < 20; i++ {
		cw.WriteString(fmt.Sprintf("INSERT INTO legacy.allergy_register (allergy_id, hospital_number) VALUES (%d, 'RVJ%07d');\n", i, i))
	}
	return rows, cw.err
}
