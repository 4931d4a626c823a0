package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// The population: one truth about each person, which every system then sees its own way.
// People are held in memory (a few dozen bytes each); their clinical histories are not:
// they are re-derived on demand from a random stream seeded by the person's index, so
// the problems and medications feeds agree on a person's conditions without storing them.

type sex uint8

const (
	male sex = iota
	female
	indeterminate
	unknownSex
)

// sexWords are the truth file's words (people.csv): male, female, other, unknown.
var sexWords = [...]string{"male", "female", "other", "unknown"}

type gpSystem uint8

const (
	gpEMIS gpSystem = iota
	gpTPP
)

var gpSystemIDs = [...]string{"gp-emis", "gp-tpp"}

// sexLetter is the GP systems' sex code: M, F, I, U.
var sexLetter = [...]string{"M", "F", "I", "U"}

type person struct {
	nhs        uint64 // 999xxxxxxx, or 0 for none
	postcode   string
	birth      day
	registered day
	tppID      uint32 // SystmOne RowIdentifier (gp-tpp patients only)
	given      uint16
	family     uint16
	practice   uint8 // index: practiceCode(practice)
	sex        sex
	gp         gpSystem
	edVisits   uint8 // ED attendances (uhbw-ed), 0..4
	oohCases   uint8 // out-of-hours cases (ooh-adastra), 0..3
}

// Population rates.
const (
	shareTPP       = 0.30  // people registered at a SystmOne practice
	shareNoNHS     = 0.005 // people with no NHS number at all
	tppRowIDBase   = 10_000_000
	populationSalt = 0x7e57_c0de_5eed_0001
)

func (g *gen) personKey(i int) string {
	if i+1 < 10_000_000 {
		var b [8]byte
		b[0] = 'P'
		putDigits(b[1:], uint64(i+1))
		return string(b[:])
	}
	return "P" + strconv.Itoa(i+1)
}

func (p *person) givenName() string {
	switch p.sex {
	case male:
		return maleNames[p.given]
	case female:
		return femaleNames[p.given]
	}
	if int(p.given) < len(maleNames) {
		return maleNames[p.given]
	}
	return femaleNames[int(p.given)-len(maleNames)]
}

func (p *person) familyName() string { return familyNames[p.family] }

// ageAt is the person's age in whole years on day n.
func (p *person) ageAt(n day) int {
	by, bm, bd := civil(p.birth)
	y, m, d := civil(n)
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

// pickFront picks an index in [0,n) favouring the front of a list ordered by frequency.
func pickFront(r *rand.Rand, n int) int {
	i := int(float64(n) * math.Pow(r.Float64(), 1.6))
	if i >= n {
		i = n - 1
	}
	return i
}

// drawAge: a population pyramid somewhat older than England's, since older people are the
// ones the services see most.
func drawAge(r *rand.Rand) int {
	u := r.Float64()
	switch {
	case u < 0.20:
		return r.IntN(18) // 0–17
	case u < 0.45:
		return 18 + r.IntN(22) // 18–39
	case u < 0.72:
		return 40 + r.IntN(25) // 40–64
	case u < 0.92:
		return 65 + r.IntN(20) // 65–84
	default:
		return 85 + r.IntN(16) // 85–100
	}
}

func drawPostcode(r *rand.Rand) string {
	d := postcodeDistricts[r.IntN(len(postcodeDistricts))]
	b := make([]byte, 0, 8)
	b = append(b, d...)
	b = append(b, ' ', byte('0'+r.IntN(10)),
		postcodeUnitLetters[r.IntN(len(postcodeUnitLetters))],
		postcodeUnitLetters[r.IntN(len(postcodeUnitLetters))])
	return string(b)
}

// population draws n people. The draw is sequential from one stream, so it depends only on
// the seed, n and the day.
func (g *gen) population(n int) {
	r := rand.New(rand.NewPCG(g.seed, populationSalt))
	alloc := newNHSAllocator(r)
	var emisPractices, tppPractices []int
	for i := range practiceCount {
		if practiceIsTPP(i) {
			tppPractices = append(tppPractices, i)
		} else {
			emisPractices = append(emisPractices, i)
		}
	}
	g.people = make([]person, n)
	tppID := uint32(tppRowIDBase)
	for i := range g.people {
		p := &g.people[i]
		switch u := r.Float64(); {
		case u < 0.494:
			p.sex = male
		case u < 0.994:
			p.sex = female
		case u < 0.995:
			p.sex = indeterminate
		default:
			p.sex = unknownSex
		}
		age := drawAge(r)
		// Born on a day in the year that makes them `age` on the day before D.
		last := g.day - 1
		ly, lm, ld := civil(last)
		hi := dayOf(ly-age, lm, ld)              // latest birthday giving this age
		lo := dayOf(ly-age-1, lm, ld) + 1        // earliest
		p.birth = lo + day(r.IntN(int(hi-lo)+1)) // lo..hi
		switch p.sex {
		case male:
			p.given = uint16(pickFront(r, len(maleNames)))
		case female:
			p.given = uint16(pickFront(r, len(femaleNames)))
		default:
			p.given = uint16(r.IntN(len(maleNames) + len(femaleNames)))
		}
		p.family = uint16(pickFront(r, len(familyNames)))
		p.postcode = drawPostcode(r)
		if r.Float64() < shareTPP {
			p.gp = gpTPP
			p.practice = uint8(tppPractices[r.IntN(len(tppPractices))])
			tppID += 1 + uint32(r.IntN(3))
			p.tppID = tppID
		} else {
			p.gp = gpEMIS
			p.practice = uint8(emisPractices[r.IntN(len(emisPractices))])
		}
		// Registered with the current practice: babies within weeks of birth, others at
		// some point in the last 30 years (not before birth).
		if age < 1 {
			p.registered = min(p.birth+day(r.IntN(43)), last)
		} else {
			span := min(int(last-p.birth), 30*365)
			p.registered = last - day(r.IntN(span+1))
		}
		if r.Float64() >= shareNoNHS {
			if v, ok := alloc.next(); ok {
				p.nhs = v
			}
		}
		// Urgent care: more for the old.
		if r.Float64() < 0.14+0.0025*float64(age) {
			p.edVisits = 1
			for p.edVisits < 4 && r.Float64() < 0.2+float64(age)/400 {
				p.edVisits++
			}
		}
		if r.Float64() < 0.08+0.0015*float64(age) {
			p.oohCases = 1
			for p.oohCases < 3 && r.Float64() < 0.2+float64(age)/500 {
				p.oohCases++
			}
		}
	}
	g.tppNext = tppID + 1
}

// Per-person streams: a PCG reseeded from (seed, salt, person) so that any feed can
// re-derive the same facts about a person.
type personRand struct {
	pcg *rand.PCG
	r   *rand.Rand
}

func newPersonRand() *personRand {
	pcg := rand.NewPCG(0, 0)
	return &personRand{pcg: pcg, r: rand.New(pcg)}
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (g *gen) seedPerson(pr *personRand, i int, salt uint64) *rand.Rand {
	pr.pcg.Seed(splitmix64(g.seed^salt), splitmix64(uint64(i)^salt*0x9e3779b97f4a7c15))
	return pr.r
}

const (
	saltProblems  = 0x0b1e_5a17_0000_0001
	saltMedicines = 0x0b1e_5a17_0000_0002
)

// problem is one entry of a person's problem list.
type problem struct {
	cond  int
	onset day
	end   day // noDay when ongoing
	past  bool
}

// poisson draws from a Poisson distribution with a small mean (Knuth).
func poisson(r *rand.Rand, mean float64) int {
	l := math.Exp(-mean)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// problems re-derives person i's problem list (0–6 conditions, more with age).
func (g *gen) problems(pr *personRand, i int, out []problem) []problem {
	out = out[:0]
	p := &g.people[i]
	r := g.seedPerson(pr, i, saltProblems)
	age := p.ageAt(g.day - 1)
	n := min(poisson(r, max(0.1, float64(age)/20-0.2)), 6)
	last := g.day - 1
	for range n {
		// Weighted choice among eligible conditions not yet chosen.
		c := pickWeighted(r, len(conditions), func(k int) int { return conditionWeight(k, age, out) })
		if c < 0 {
			break
		}
		cd := &conditions[c]
		lo := max(dayOf(yearOf(p.birth)+cd.minAge, 1, 1), p.birth+1)
		if lo > last {
			continue
		}
		// Onset: later in life more often than not.
		onset := lo + day(float64(last-lo)*math.Sqrt(r.Float64()))
		pb := problem{cond: c, onset: onset, end: noDay}
		if cd.resolves > 0 && r.Float64() < cd.resolves && last-onset > 60 {
			pb.end = onset + 30 + day(r.IntN(int(last-onset-30)))
			pb.past = true
		}
		out = append(out, pb)
	}
	return out
}

func yearOf(n day) int { y, _, _ := civil(n); return y }

func conditionWeight(c, age int, chosen []problem) int {
	cd := &conditions[c]
	if age < cd.minAge {
		return 0
	}
	for _, pb := range chosen {
		if pb.cond == c {
			return 0
		}
	}
	w := cd.weight
	if age > 40 {
		w += cd.olderWeightBoost * (age - 40) / 10
	}
	return w
}

// medication is one prescribed medicine.
type medication struct {
	drug  int
	start day
	end   day // noDay when active
}

// medications re-derives person i's medicines (0–8) from their problems: most chronic
// conditions bring their usual drugs, and anyone may have had a short course of something.
func (g *gen) medications(pr *personRand, i int, probs []problem, out []medication) []medication {
	out = out[:0]
	p := &g.people[i]
	r := g.seedPerson(pr, i, saltMedicines)
	last := g.day - 1
	add := func(d int, from, until day, chronic bool) {
		if len(out) >= 8 || from > until {
			return
		}
		for _, m := range out {
			if m.drug == d {
				return
			}
		}
		// Start soon after the reason for it, skewed early.
		u := r.Float64()
		start := from + day(float64(until-from)*u*u)
		m := medication{drug: d, start: start, end: noDay}
		ended := drugs[d].acute || !chronic || r.Float64() < 0.15
		if ended && until-start >= 7 {
			m.end = start + 7 + day(r.IntN(int(until-start-6)))
			if drugs[d].acute {
				m.end = min(start+day(3+r.IntN(26)), until)
			}
			if m.end <= start {
				m.end = noDay
			}
		}
		out = append(out, m)
	}
	for _, pb := range probs {
		cd := &conditions[pb.cond]
		until := last
		if pb.past {
			until = pb.end
		}
		for k, d := range cd.drugs {
			prob := cd.drugProbability
			if k > 0 {
				prob /= 2
			}
			if r.Float64() < prob {
				add(d, pb.onset, until, !pb.past)
			}
		}
	}
	// A few general prescriptions, more for the old.
	age := p.ageAt(last)
	extra := poisson(r, 0.3+float64(age)/80)
	for range extra {
		d := generalDrugs[r.IntN(len(generalDrugs))]
		from := max(p.birth+365, last-5*365)
		add(d, from, last, !drugs[d].acute)
	}
	return out
}

const saltAllergies = 0x0b1e_5a17_0000_0003

// allergyRecord is one recorded allergy.
type allergyRecord struct {
	allergy, reaction, severity int
	recorded                    day
}

// allergiesOf re-derives person i's allergies (0–3).
func (g *gen) allergiesOf(pr *personRand, i int, out []allergyRecord) []allergyRecord {
	out = out[:0]
	p := &g.people[i]
	r := g.seedPerson(pr, i, saltAllergies)
	var n int
	switch u := r.Float64(); {
	case u < 0.72:
		return out
	case u < 0.90:
		n = 1
	case u < 0.97:
		n = 2
	default:
		n = 3
	}
	last := g.day - 1
	lo := min(p.birth+180, last)
	for range n {
		a := pickWeighted(r, len(allergies), func(k int) int {
			for _, o := range out {
				if o.allergy == k {
					return 0
				}
			}
			return allergies[k].weight
		})
		if a < 0 {
			break
		}
		sev := 0
		switch u := r.Float64(); {
		case u < 0.3:
			sev = 1
		case u >= 0.9:
			sev = 2
		}
		reaction := r.IntN(len(reactions))
		if reactions[reaction] == "Anaphylaxis" {
			sev = 2
		}
		out = append(out, allergyRecord{
			allergy:  a,
			reaction: reaction,
			severity: sev,
			recorded: lo + day(float64(last-lo)*math.Sqrt(r.Float64())),
		})
	}
	return out
}

// pickWeighted picks k in [0,n) with probability weight(k)/sum, or -1 if all weigh 0.
func pickWeighted(r *rand.Rand, n int, weight func(int) int) int {
	total := 0
	for k := range n {
		total += weight(k)
	}
	if total == 0 {
		return -1
	}
	x := r.IntN(total)
	for k := range n {
		x -= weight(k)
		if x < 0 {
			return k
		}
	}
	return n - 1
}

// urgentWindowDays is how far back the urgent-care feeds' history reaches.
const urgentWindowDays = 3 * 365

// visitDays draws n event days for person p in the urgent-care window, in order.
func visitDays(r *rand.Rand, p *person, last day, n int) []day {
	lo := max(p.birth, last-urgentWindowDays)
	days := make([]day, n)
	for k := range days {
		days[k] = lo + day(r.IntN(int(last-lo)+1))
	}
	slices.Sort(days)
	return days
}
