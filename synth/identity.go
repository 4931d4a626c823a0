package synth

import "unicode/utf8"

// How a system writes a person's name and birth date. Besides the per-record habits that a
// data-quality rule can see, systems disagree about who someone is in ways no single
// record shows: a name keyed with a slip, a nickname for the given name, the family and
// given names the wrong way round, a birth date with the day and month swapped. Only the
// linkage can notice these, by comparing records across systems, so they are drawn apart
// from the habits: per person and per feed, from a hash of the seed, the feed and the
// person, so that every record a feed sends of one person shows the same variant (a
// receptionist keys a patient once) and no feed's random stream shifts.
//
// A swapped birth date only ever moves it earlier (day < month), and only in feeds whose
// provider draws no event-before-birth habit from that date (swapBirth below): the events
// the truth says precede birth must still precede the birth date the pipeline loads, and
// none that follow it may come to precede it.

// variant is how one feed writes one person's identity.
type variant uint8

const (
	variantNone variant = iota
	variantNameTypo
	variantNickname
	variantNamesSwapped
	variantBirthSwapped
	variantCount
)

// Variant rates, per person and feed. Typos and nicknames are the commonest disagreements
// between systems; a swapped day and month less so, as most systems key dates with a picker.
const (
	rateNameTypo     = 0.020
	rateNickname     = 0.015
	rateNamesSwapped = 0.005
	rateBirthSwapped = 0.010
)

// variantSalt keeps the variant draw apart from the habit drawn from the same feed and person.
const variantSalt = 0x1de7_1715_5a17_0005

// shown is a person as one feed writes them.
type shown struct {
	family, given string
	birth         day
	variant       variant
}

// shownAs is person i as the feed salt names writes them. swapBirth says whether the feed
// may write the birth date with day and month swapped.
func (g *gen) shownAs(salt uint64, i int, swapBirth bool) shown {
	p := &g.people[i]
	s := shown{family: p.familyName(), given: p.givenName(), birth: p.birth}
	h := splitmix64(g.seed ^ salt ^ variantSalt ^ splitmix64(uint64(i)))
	u := float64(h>>11) / (1 << 53)
	switch {
	case u < rateNameTypo:
		if h&1 == 0 {
			s.family = typo(s.family, h>>1)
		} else {
			s.given = typo(s.given, h>>1)
		}
		s.variant = variantNameTypo
	case u < rateNameTypo+rateNickname:
		if nick, ok := nicknames[s.given]; ok {
			s.given = nick
			s.variant = variantNickname
		}
	case u < rateNameTypo+rateNickname+rateNamesSwapped:
		s.family, s.given = s.given, s.family
		s.variant = variantNamesSwapped
	case u < rateNameTypo+rateNickname+rateNamesSwapped+rateBirthSwapped:
		y, m, d := civil(p.birth)
		if swapBirth && d < m {
			s.birth = dayOf(y, d, m)
			s.variant = variantBirthSwapped
		}
	}
	return s
}

// typo makes one keying slip in name, chosen by h: two letters transposed, a letter
// dropped, a letter doubled or a letter replaced by its neighbour on the keyboard. The
// first letter is kept (people rarely mistype it, and it is what a reader sees first).
func typo(name string, h uint64) string {
	r := []rune(name)
	if len(r) < 3 {
		return name
	}
	k := 1 + int(h%uint64(len(r)-1)) // 1..len-1
	switch (h >> 16) % 4 {
	case 0:
		if k == len(r)-1 {
			k--
		}
		if r[k] == r[k+1] { // transposing a double letter changes nothing: drop one instead
			return string(append(r[:k:k], r[k+1:]...))
		}
		r[k], r[k+1] = r[k+1], r[k]
	case 1:
		r = append(r[:k:k], r[k+1:]...)
	case 2:
		r = append(r[:k+1:k+1], r[k:]...)
	default:
		if n, ok := keyNeighbour[r[k]]; ok {
			r[k] = n
		} else {
			r = append(r[:k:k], r[k+1:]...)
		}
	}
	if out := string(r); utf8.ValidString(out) && out != name {
		return out
	}
	return name + "e"
}

// keyNeighbour is a letter next to each lower-case letter on a UK keyboard.
var keyNeighbour = map[rune]rune{
	'a': 's', 'b': 'n', 'c': 'v', 'd': 'f', 'e': 'r', 'f': 'g', 'g': 'h', 'h': 'j', 'i': 'o',
	'j': 'k', 'k': 'l', 'l': 'k', 'm': 'n', 'n': 'm', 'o': 'p', 'p': 'o', 'q': 'w', 'r': 't',
	's': 'a', 't': 'y', 'u': 'i', 'v': 'b', 'w': 'e', 'x': 'c', 'y': 'u', 'z': 'x',
}

// nicknames are the forms of given names a person often goes by, and a system records.
var nicknames = map[string]string{
	"David": "Dave", "John": "Jack", "James": "Jim", "Michael": "Mike", "Peter": "Pete",
	"Robert": "Bob", "Richard": "Dick", "Andrew": "Andy", "Thomas": "Tom", "William": "Bill",
	"Christopher": "Chris", "Stephen": "Steve", "Daniel": "Dan", "Matthew": "Matt",
	"Samuel": "Sam", "Benjamin": "Ben", "Joseph": "Joe", "Edward": "Ted", "Alexander": "Alex",
	"Anthony": "Tony", "Kenneth": "Ken", "Alfie": "Alf", "Frederick": "Fred",
	"Joshua": "Josh", "Harrison": "Harry", "Raymond": "Ray", "Ronald": "Ron", "Terence": "Terry",
	"Leonard": "Len", "Albert": "Bert", "Stanley": "Stan", "Geoffrey": "Geoff", "Reginald": "Reg",
	"Sidney": "Sid", "Dennis": "Den", "Gary": "Gaz", "Malcolm": "Mal", "Nigel": "Nige",
	"Elizabeth": "Liz", "Margaret": "Maggie", "Susan": "Sue", "Mary": "Molly", "Jennifer": "Jenny",
	"Patricia": "Pat", "Nicola": "Nicky", "Rebecca": "Becky", "Charlotte": "Charlie",
	"Jessica": "Jess", "Amelia": "Millie", "Sophia": "Sophie", "Isabella": "Bella",
	"Catherine": "Kate", "Victoria": "Vicky", "Christine": "Chris", "Deborah": "Debbie",
	"Amanda": "Mandy", "Barbara": "Babs", "Dorothy": "Dot", "Valerie": "Val", "Pauline": "Polly",
	"Sandra": "Sandy", "Katie": "Kate", "Natalie": "Nat", "Florence": "Flo", "Gladys": "Glad",
	"Louise": "Lou", "Rachel": "Rach", "Hannah": "Han",
	"Joanne": "Jo", "Michelle": "Shelley", "Angela": "Angie",
}
