package synth

import "math/rand/v2"

// NHS numbers: ten digits, the last a Modulus 11 check digit over the first nine
// (weights 10 down to 2). The generator issues numbers from the 999 range that NHS
// England reserves for testing, so nothing it writes can be a real person's number.

// NHSCheckDigit computes the Modulus 11 check digit for the first nine digits of an NHS
// number. ok is false when first9 is not nine ASCII digits or when the computed check is
// 10, which no digit can hold: such a prefix never makes a valid number.
func NHSCheckDigit(first9 string) (digit int, ok bool) {
	if len(first9) != 9 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := first9[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return check, true
}

// ValidNHSNumber reports whether s is exactly ten ASCII digits whose last digit is the
// Modulus 11 check digit of the first nine. Spaces, hyphens and other characters make it
// invalid: normalising what people type is the reader's job, not this check's.
func ValidNHSNumber(s string) bool {
	if len(s) != 10 {
		return false
	}
	c := s[9]
	if c < '0' || c > '9' {
		return false
	}
	d, ok := NHSCheckDigit(s[:9])
	return ok && d == int(c-'0')
}

// nhsAllocator hands out unique valid numbers from the test range 999 000 000x –
// 999 999 999x. It walks the million nine-digit prefixes in an order scrambled by the
// seed (a keyed permutation, so no prefix comes up twice) and skips the prefixes whose
// check digit would be 10. About 909,000 numbers exist; after that next reports false.
type nhsAllocator struct {
	key, k uint64
}

const nhsPrefixes = 1_000_000

func newNHSAllocator(r *rand.Rand) *nhsAllocator {
	return &nhsAllocator{key: r.Uint64()}
}

// next returns the next unused number as an integer (999xxxxxxd), or false when the test
// range is exhausted.
func (n *nhsAllocator) next() (uint64, bool) {
	for n.k < nhsPrefixes {
		p := permuteBelow(n.k, nhsPrefixes, 20, n.key)
		n.k++
		first9 := 999_000_000 + p
		var buf [9]byte
		putDigits(buf[:], first9)
		if d, ok := NHSCheckDigit(string(buf[:])); ok {
			return first9*10 + uint64(d), true
		}
	}
	return 0, false
}

// permuteBelow maps x in [0,n) to a distinct value in [0,n), scrambled by key: a
// four-round Feistel network on `bits` bits (2^bits >= n, bits even), walking the cycle
// until the value falls below n. Used for identifiers that must be unique but should not
// look sequential.
func permuteBelow(x, n uint64, bits uint, key uint64) uint64 {
	half := bits / 2
	mask := uint64(1)<<half - 1
	for {
		l, r := x>>half, x&mask
		for round := range uint64(4) {
			l, r = r, l^(splitmix64(r^key+round*0x9e3779b97f4a7c15)&mask)
		}
		x = l<<half | r
		if x < n {
			return x
		}
	}
}

// putDigits writes v into b as len(b) decimal digits, zero-padded.
func putDigits(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}

// nhsString formats a stored number (0 = none) as ten digits, or "".
func nhsString(n uint64) string {
	if n == 0 {
		return ""
	}
	var buf [10]byte
	putDigits(buf[:], n)
	return string(buf[:])
}

// nhsSpaced writes a number the way people type it on forms: 999 123 4567.
func nhsSpaced(s string) string {
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// nhsMistype changes one digit after the 999 prefix so that the Modulus 11 check fails.
// Changing a single digit always breaks the check (every weight is below 11), but the
// result is verified anyway.
func nhsMistype(s string, r *rand.Rand) string {
	b := []byte(s)
	for {
		i := 3 + r.IntN(7)
		old := b[i]
		b[i] = byte('0' + (int(old-'0')+1+r.IntN(9))%10)
		if !ValidNHSNumber(string(b)) {
			return string(b)
		}
		b[i] = old
	}
}
