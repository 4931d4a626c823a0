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
	"sync"
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
		// A patient as the hospital holds them: drawn from the hospital number, so that every
		// message about one number carries the same person, with a name, birth date and
		// postcode as varied as the community's and an NHS number valid by Modulus 11 (a few
		// missing or mistyped, at the habits' rates), as identity resolution meets them.
		numbers := volumeNumbers()
		id := r.IntN(len(numbers))
		pr := rand.New(rand.NewPCG(uint64(id), 7))
		given := maleNames[pickFront(pr, len(maleNames))]
		sex := "M"
		if pr.IntN(2) == 0 {
			given, sex = femaleNames[pickFront(pr, len(femaleNames))], "F"
		}
		family := familyNames[pickFront(pr, len(familyNames))]
		birth := dayOf(1920+pr.IntN(106), 1+pr.IntN(12), 1+pr.IntN(28))
		nhs := volumeNHSNumber(pr, numbers[id])
		ids := fmt.Sprintf("RVJ%08d^^^RVJ^PI", id)
		if nhs != "" {
			ids += "~" + nhs + "^^^NHS^NH"
		}
		fmt.Fprintf(&sb, "MSH|^~\\&|PAS|RVJ|CCARE|BNSSG|%s||ADT^%s^ADT_A01|NBT%d|P|2.4|||AL|NE\r", at, ev, n)
		fmt.Fprintf(&sb, "EVN|%s|%s\r", ev, at)
		fmt.Fprintf(&sb, "PID|1||%s||%s^%s||%s|%s|||^^Bristol^^%s^GBR\r",
			ids, hl7Escape.Replace(family), hl7Escape.Replace(given), strings.ReplaceAll(isoDate(birth), "-", ""), sex, drawPostcode(pr))
		sb.WriteString("PD1|||^^L81001\r")
		if ev == "A40" {
			fmt.Fprintf(&sb, "MRG|RVJ%08d^^^RVJ^PI\r", r.IntN(len(numbers)))
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

// volumeNumbers are the test-range NHS numbers valid by Modulus 11 (about 909,000): the
// volume file's patients, one each, so that no two hospital numbers share an NHS number.
var volumeNumbers = sync.OnceValue(func() []string {
	out := make([]string, 0, 910_000)
	for i := range 1_000_000 {
		first9 := fmt.Sprintf("999%06d", i)
		if d, ok := NHSCheckDigit(first9); ok {
			out = append(out, first9+strconv.Itoa(d))
		}
	}
	return out
})

// volumeNHSNumber is the patient's NHS number n as sent: at the habits' rates missing, or
// with the check digit mistyped.
func volumeNHSNumber(r *rand.Rand, n string) string {
	switch u := r.Float64(); {
	case u < rateNHSMissing:
		return ""
	case u < rateNHSMissing+rateNHSMistyped:
		return n[:9] + strconv.Itoa((int(n[9]-'0')+1+r.IntN(9))%10)
	}
	return n
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
