package store

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Search terms are words folded so that what a merchant types finds what
// customers wrote however they wrote it: "cafe" finds "Café", "CAFÉ" and
// "café" typed with a combining accent. A word is a run of letters and
// digits; everything else separates words. Folding is compatibility
// decomposition (NFKD: "ﬁ" is "fi", "²" is "2") with the combining marks
// dropped, then lower case, then the few letters that carry their accent
// in the letter itself spelt out ("ß" as "ss", "ø" as "o").
//
// Han, Hiragana and Katakana characters are terms on their own: those
// scripts put no spaces between words, and a query of several characters
// then finds messages holding all of them.

// maxTermLen bounds a term in bytes (cut at a character boundary), so a
// pasted 10 KB token cannot make a 10 KB index key. The query is cut the
// same way, so a longer word still finds itself.
const maxTermLen = 40

// spelt maps letters that NFKD leaves whole onto their unaccented form.
func spelt(r rune) (string, bool) {
	switch r {
	case 'ß':
		return "ss", true
	case 'æ':
		return "ae", true
	case 'œ':
		return "oe", true
	case 'ø':
		return "o", true
	case 'ł':
		return "l", true
	case 'đ', 'ð':
		return "d", true
	case 'ı':
		return "i", true
	case 'þ':
		return "th", true
	case 'ς':
		return "σ", true
	}
	return "", false
}

// ownTerm reports whether r is a term by itself (see above).
func ownTerm(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// appendTerms appends the folded words of text to dst, in order, with
// repeats.
func appendTerms(dst []string, text string) []string {
	if isASCII(text) {
		return appendASCIITerms(dst, text)
	}
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			dst = append(dst, cutTerm(w.String()))
			w.Reset()
		}
	}
	for _, r := range norm.NFKD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark: the accent of the letter before it.
		case ownTerm(r):
			flush()
			dst = append(dst, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if s, ok := spelt(r); ok {
				w.WriteString(s)
			} else {
				w.WriteRune(r)
			}
		default:
			flush()
		}
	}
	flush()
	return dst
}

// appendASCIITerms is appendTerms for the common all-ASCII text: no
// normalisation, and one allocation per word.
func appendASCIITerms(dst []string, text string) []string {
	start := -1
	for i := 0; i <= len(text); i++ {
		word := i < len(text) && isASCIIWordByte(text[i])
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			dst = append(dst, cutTerm(strings.ToLower(text[start:i])))
			start = -1
		}
	}
	return dst
}

func isASCIIWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cutTerm cuts a term to maxTermLen bytes at a character boundary.
func cutTerm(t string) string {
	if len(t) <= maxTermLen {
		return t
	}
	t = t[:maxTermLen]
	for len(t) > 0 {
		if r, size := utf8.DecodeLastRuneInString(t); r != utf8.RuneError || size > 1 {
			break
		}
		t = t[:len(t)-1]
	}
	return t
}

// termSet is the distinct folded words of text, sorted.
func termSet(text string) []string {
	ts := appendTerms(nil, text)
	slices.Sort(ts)
	return slices.Compact(ts)
}

// query is a parsed search box: every word must match. The last word is
// matched as a prefix ("caf" finds "café") unless the text ends with a
// separator, as it does once the merchant has typed the word and a space.
type query struct {
	exact  []string // distinct, sorted
	prefix string   // "" when the last word is complete
}

func parseQuery(text string) query {
	words := appendTerms(nil, text)
	if len(words) == 0 {
		return query{}
	}
	var q query
	last, size := utf8.DecodeLastRuneInString(text)
	complete := size == 0 || !(unicode.IsLetter(last) || unicode.IsDigit(last) || unicode.Is(unicode.Mn, last)) || ownTerm(last)
	if !complete {
		q.prefix = words[len(words)-1]
		words = words[:len(words)-1]
	}
	slices.Sort(words)
	q.exact = slices.Compact(words)
	return q
}

func (q query) empty() bool { return len(q.exact) == 0 && q.prefix == "" }

// matches reports whether a record whose distinct terms are terms (sorted)
// holds every word of q.
func (q query) matches(terms []string) bool {
	for _, e := range q.exact {
		if _, ok := slices.BinarySearch(terms, e); !ok {
			return false
		}
	}
	if q.prefix == "" {
		return true
	}
	i, _ := slices.BinarySearch(terms, q.prefix)
	return i < len(terms) && strings.HasPrefix(terms[i], q.prefix)
}
