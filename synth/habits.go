package synth

import (
	"math/rand/v2"
	"time"
)

// The habits a data-quality rule can only see by looking at more than one field, or more
// than one record: a code outside the reference lists (unknown_code), an end before the
// start (discharge_before_admission), an event before the person's birth (before_birth), a
// birth date no living person has (implausible_age), a record whose patient the provider
// never sent (orphan). Their rates are in drop.go with the others; this file holds what the
// systems share to apply them so that the truth stays exact:
//
//   - A person record's habit in a separate person feed is drawn from a hash of the seed,
//     the feed and the person (personHabit), not from the feed's stream, so that the same
//     provider's clinical feeds know whether the person's birth date will be loaded: an event
//     is only moved before a birth date the pipeline will have, from a loadable person record
//     with the true birth date.
//   - implausible_age is only given where the person's GP record is loaded and linked
//     (gpHolds): the GP is the most trusted source, so the golden record's birth date stays
//     the true one whatever a less trusted system says.
//   - A person's records in one provider carry at most one of before_birth and
//     implausible_age, so that no event is compared with a birth date that is not the true one.
//   - A patient whose every person record in a provider is unreadable (malformed and the
//     like) is unknown to the pipeline, so their clinical records are orphans to it too: the
//     truth says so (habitUnsent, reason orphan) and gives them no other habit.

// Salts of the person feeds whose record habits are drawn per person (personHabit).
var (
	saltEMISPatients = hashString("gp-emis/patients")
	saltTPPPatients  = hashString("gp-tpp/patients")
	saltCDWPatients  = hashString("nbt-cdw/patients")
	saltEPRPatients  = hashString("uhbw-epr/patients")
	saltSglosClients = hashString("sglos-social/clients")
)

// Salts of the other feeds that write a person's name (shownAs, identity.go).
var (
	saltAdastraCases   = hashString("ooh-adastra/cases")
	saltBCCClients     = hashString("bcc-social/clients")
	saltDentalContacts = hashString("ooh-dental/contacts")
	saltEDAttendances  = hashString("uhbw-ed/attendances")
	saltPASPatients    = hashString("nbt-pas/adt")
)

// Traits shared by several feeds.
var (
	gpPatientTraits    = traits{nhs: true}               // GP patients: the most trusted birth dates
	otherPersonTraits  = traits{nhs: true, person: true} // person feeds of the other systems
	clinicalTraits     = traits{event: true, code: true, birth: true, orphan: true}
	inlinePersonTraits = traits{event: true, nhs: true, span: true, birth: true, person: true} // a visit with the patient's details
)

// personHabit is the habit of person i's record in the person feed salt names.
func (g *gen) personHabit(salt uint64, i int, t traits) habit {
	u := float64(splitmix64(g.seed^salt^splitmix64(uint64(i)))>>11) / (1 << 53)
	h := g.habitAt(u, t)
	if h == habitImplausibleAge && !g.gpHolds(i) {
		return habitNone
	}
	return h
}

// gpPatientHabit is the habit of person i's record in their GP practice's patients feed.
func (g *gen) gpPatientHabit(i int) habit {
	salt := saltEMISPatients
	if g.people[i].gp == gpTPP {
		salt = saltTPPPatients
	}
	return g.personHabit(salt, i, gpPatientTraits)
}

// gpHolds says whether person i's GP record will be loaded and linked to them by a valid
// NHS number: then its birth date wins the golden record.
func (g *gen) gpHolds(i int) bool {
	if g.people[i].nhs == 0 {
		return false
	}
	switch g.gpPatientHabit(i) {
	case habitNone, habitDuplicate, habitNHSSpaced:
		return true
	}
	return false
}

// plain says whether a person record with habit h is loaded with the person's true birth
// date (its NHS number may be anything).
func plain(h habit) bool {
	switch h {
	case habitNone, habitDuplicate, habitNHSSpaced, habitNHSMissing, habitNHSMistyped:
		return true
	}
	return false
}

// canPrecedeBirth says whether an event of person i may be moved before their birth: the
// provider sends the true birth date (sent), and they were born after 1935 (so that ten years
// before it are still after 1900).
func (g *gen) canPrecedeBirth(i int, sent bool) bool {
	return sent && yearOf(g.people[i].birth) > 1935
}

// sent is what a provider's person feed holds of a person, as its clinical feeds need it.
type sent struct {
	record bool // a person record the reader can parse: the pipeline knows the local id
	birth  bool // one loaded with the true birth date, of a person born after 1935
}

// sentAs is what a person record with habit h sends of person i, in the person feed salt
// names when that feed may swap a birth date's day and month (0 when it never does).
func (g *gen) sentAs(h habit, i int, swapSalt uint64) sent {
	trueBirth := plain(h) && (swapSalt == 0 || g.shownAs(swapSalt, i, true).variant != variantBirthSwapped)
	return sent{record: h != habitMalformed, birth: g.canPrecedeBirth(i, trueBirth)}
}

// clinicalHabit draws the habit of a record in a feed whose patients are in a separate
// person feed. If the person's record there cannot be read, the pipeline sees no patient
// for the record: to it the record is an orphan, and it carries no other habit (so that
// the truth can say so with one reason); before_birth needs the true birth date.
func clinicalHabit(s *sink, p sent) habit {
	h := s.habit()
	switch {
	case !p.record:
		return habitUnsent
	case h == habitBeforeBirth && !p.birth:
		return habitNone
	}
	return h
}

// personBirthHabits keeps a person's rows in a feed that carries the person on every row
// (uhbw-ed, ooh-adastra, ooh-dental contacts) to at most one of before_birth and
// implausible_age, and gives implausible_age only where the GP's birth date wins.
type personBirthHabits struct{ taken bool }

// fit returns h, or none if the record of person i cannot carry it.
func (b *personBirthHabits) fit(g *gen, i int, h habit) habit {
	switch h {
	case habitBeforeBirth:
		if b.taken || !g.canPrecedeBirth(i, true) {
			return habitNone
		}
	case habitImplausibleAge:
		if b.taken || !g.gpHolds(i) {
			return habitNone
		}
	default:
		return h
	}
	b.taken = true
	return h
}

// beforeBirth moves an event (and its end, if it has one, by as much) to 1–3650 days
// before p's birth, and not before 1900.
func (s *sink) beforeBirth(p *person, start, end day) (day, day) {
	d := max(p.birth-1-day(s.r.IntN(3650)), dayOf(1900, 1, 1))
	if end != noDay {
		end += d - start
	}
	return d, end
}

// implausibleBirth is a birth date that makes a person 121–140 years old on D (and on D-1).
func (s *sink) implausibleBirth() day {
	y, m, d := civil(s.g.day)
	lo, hi := dayOf(y-141, m, d)+2, dayOf(y-121, m, d)-1
	return lo + day(s.r.IntN(int(hi-lo)+1))
}

// earlierTime is an end 1–48 hours before start, but not before p's birth day; ok is false
// when there is no room (a baby seen on the day of birth).
func (s *sink) earlierTime(p *person, start time.Time) (end time.Time, ok bool) {
	room := int(start.Sub(localTime(p.birth, 0, 0)).Hours())
	if room = min(room, 48); room < 1 {
		return start, false
	}
	return start.Add(-time.Duration(1+s.r.IntN(room)) * time.Hour), true
}

// earlierDay is an end date 1–30 days before start, but not before p's birth.
func (s *sink) earlierDay(p *person, start day) (end day, ok bool) {
	room := min(int(start-p.birth), 30)
	if room < 1 {
		return start, false
	}
	return start - 1 - day(s.r.IntN(room)), true
}

// freshIndex is an index past the population's, below limit: the local id a seed-keyed
// permutation gives it is well-formed and nobody's (the orphan habit). ok is false when
// the population fills the range.
func (g *gen) freshIndex(r *rand.Rand, limit int) (int, bool) {
	n := len(g.people)
	if n >= limit {
		return 0, false
	}
	return n + r.IntN(limit-n), true
}

// pick is a random element of a code pool.
func pick(r *rand.Rand, pool []string) string { return pool[r.IntN(len(pool))] }
