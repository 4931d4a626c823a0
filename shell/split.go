package shell

import "strings"

// Splitter cuts SQL text, fed a line at a time, into statements at the semicolons that end
// them: not those inside 'strings', "identifiers", -- line comments or /* block comments */.
// A statement is returned without its semicolon; blank statements are dropped.
type Splitter struct {
	buf     strings.Builder
	quote   rune // ' or " while inside one
	comment bool // inside /* */
}

// Feed adds one line (without its newline) and returns the statements it completed.
func (s *Splitter) Feed(line string) []string {
	var done []string
	runes := []rune(line)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		next := rune(0)
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		switch {
		case s.comment:
			s.buf.WriteRune(r)
			if r == '*' && next == '/' {
				s.buf.WriteRune(next)
				i++
				s.comment = false
			}
		case s.quote != 0:
			s.buf.WriteRune(r)
			if r == s.quote {
				if next == s.quote { // a doubled quote stays inside
					s.buf.WriteRune(next)
					i++
				} else {
					s.quote = 0
				}
			}
		case r == '-' && next == '-':
			s.buf.WriteString(string(runes[i:]))
			i = len(runes)
		case r == '/' && next == '*':
			s.buf.WriteString("/*")
			i++
			s.comment = true
		case r == '\'' || r == '"':
			s.quote = r
			s.buf.WriteRune(r)
		case r == ';':
			if stmt := strings.TrimSpace(s.buf.String()); stmt != "" && !onlyComments(stmt) {
				done = append(done, stmt)
			}
			s.buf.Reset()
		default:
			s.buf.WriteRune(r)
		}
	}
	s.buf.WriteByte('\n')
	return done
}

// Pending is the text of an unfinished statement ("" if none).
func (s *Splitter) Pending() string {
	if stmt := strings.TrimSpace(s.buf.String()); !onlyComments(stmt) {
		return stmt
	}
	return ""
}

// Reset forgets an unfinished statement.
func (s *Splitter) Reset() { *s = Splitter{} }

// onlyComments says whether stmt holds nothing but comments and space.
func onlyComments(stmt string) bool {
	for stmt = strings.TrimSpace(stmt); stmt != ""; stmt = strings.TrimSpace(stmt) {
		switch {
		case strings.HasPrefix(stmt, "--"):
			_, rest, _ := strings.Cut(stmt, "\n")
			stmt = rest
		case strings.HasPrefix(stmt, "/*"):
			_, rest, ok := strings.Cut(stmt[2:], "*/")
			if !ok {
				return true
			}
			stmt = rest
		default:
			return false
		}
	}
	return true
}
