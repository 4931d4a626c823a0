package synth

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The ground truth, written under Dir/truth/ and never read by pipelines:
//   people.csv        every person as they really are
//   person_links.csv  which local id in which system is which person
//   records.csv       every data record written, and what should become of it
//   files.csv         every drop file: records, bytes, sha256
//   code_map.csv      the Read v2 codes EMIS may send, with their SNOMED CT equivalents

var recordsHeader = []string{"provider", "feed", "file", "record", "line", "local_id", "person_key", "record_id", "nhs", "fate", "reason"}

// writeTruthFile writes name under the truth directory via a temporary file.
func (g *gen) writeTruthFile(name string, fill func(w *bufio.Writer) error) (err error) {
	final := filepath.Join(g.truth, name)
	tmp := filepath.Join(g.truth, "."+name+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<18)
	if err = fill(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, final)
}

func writeRow(w *bufio.Writer, buf *[]byte, fields ...string) error {
	*buf = truthCSV.appendRecord((*buf)[:0], fields)
	_, err := w.Write(*buf)
	return err
}

// concatRecords joins the feeds' parts, in provider and feed order, into records.csv.
func (g *gen) concatRecords(jobs []job) error {
	return g.writeTruthFile("records.csv", func(w *bufio.Writer) error {
		var buf []byte
		if err := writeRow(w, &buf, recordsHeader...); err != nil {
			return err
		}
		for _, j := range jobs {
			f, err := os.Open(j.part)
			if err != nil {
				return err
			}
			_, err = io.Copy(w, f)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *gen) writeTruth(results []fileResult) error {
	var buf []byte
	if err := g.writeTruthFile("files.csv", func(w *bufio.Writer) error {
		if err := writeRow(w, &buf, "provider", "feed", "file", "records", "bytes", "sha256"); err != nil {
			return err
		}
		for _, r := range results {
			if err := writeRow(w, &buf, r.provider, r.feed, r.file, strconv.Itoa(r.records),
				strconv.FormatInt(r.bytes, 10), r.sha256); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}

	if err := g.writeTruthFile("people.csv", func(w *bufio.Writer) error {
		if err := writeRow(w, &buf, "person_key", "nhs_number", "family_name", "given_name", "birth_date", "sex", "postcode", "practice_code", "gp_system"); err != nil {
			return err
		}
		for i := range g.people {
			p := &g.people[i]
			if err := writeRow(w, &buf, g.personKey(i), nhsString(p.nhs), p.familyName(), p.givenName(),
				isoDate(p.birth), sexWords[p.sex], p.postcode, practiceCode(int(p.practice)), gpSystemIDs[p.gp]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}

	if err := g.ctx.Err(); err != nil {
		return err
	}
	if err := g.writeTruthFile("person_links.csv", func(w *bufio.Writer) error {
		if err := writeRow(w, &buf, "provider", "local_id", "person_key"); err != nil {
			return err
		}
		type link struct{ local, key string }
		var links []link
		for _, sys := range sortedSystems() {
			links = links[:0]
			for i := range g.people {
				if id := sys.localID(g, i); id != "" {
					links = append(links, link{id, g.personKey(i)})
				}
				if sys.extraIDs != nil {
					for _, id := range sys.extraIDs(g, i) {
						links = append(links, link{id, g.personKey(i)})
					}
				}
			}
			slices.SortFunc(links, func(a, b link) int { return strings.Compare(a.local, b.local) })
			for _, l := range links {
				if err := writeRow(w, &buf, sys.id, l.local, l.key); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}

	return g.writeTruthFile("code_map.csv", func(w *bufio.Writer) error {
		if err := writeRow(w, &buf, "source_system", "source_code", "snomed_code", "term"); err != nil {
			return err
		}
		rows := slices.Clone(conditions)
		slices.SortFunc(rows, func(a, b condition) int { return strings.Compare(a.read, b.read) })
		for _, c := range rows {
			if err := writeRow(w, &buf, codeMapSystem, c.read, c.snomed, c.term); err != nil {
				return err
			}
		}
		return nil
	})
}

// codeMapSystem names Read v2 as the warehouse's ref.code_map does.
const codeMapSystem = "read-v2"
