package store

import (
	"slices"
	"strings"
	"testing"
)

func TestAppendTerms(t *testing.T) {
	long := strings.Repeat("é", 30) // 60 bytes: cut to 40, whole characters
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Café", []string{"cafe"}},
		{"CAFÉ", []string{"cafe"}},
		{"cafe\u0301 (decomposed)", []string{"cafe", "decomposed"}},
		{"Hello, is this still available? Size M please.", []string{"hello", "is", "this", "still", "available", "size", "m", "please"}},
		{"naïve-résumé", []string{"naive", "resume"}},
		{"l'été à Zürich", []string{"l", "ete", "a", "zurich"}},
		{"Straße Œuvre Ærø Łódź", []string{"strasse", "oeuvre", "aero", "lodz"}},
		{"İSTANBUL ıslak", []string{"istanbul", "islak"}},
		{"ﬁne ² № 5", []string{"fine", "2", "no", "5"}},
		{"ΟΔΟΣ οδός", []string{"οδοσ", "οδοσ"}},
		{"東京タワー ok", []string{"東", "京", "タ", "ワ", "ー", "ok"}},
		{"😀👍 ok!! 12,50€", []string{"ok", "12", "50"}},
		{"order #A-1042", []string{"order", "a", "1042"}},
		{"", nil},
		{"  ...  ", nil},
		{long, []string{strings.Repeat("e", 30)}},
		{strings.Repeat("x", 50), []string{strings.Repeat("x", maxTermLen)}},
		{"ж" + strings.Repeat("щ", 25), []string{"ж" + strings.Repeat("щ", 19)}},
	} {
		if got := appendTerms(nil, tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("appendTerms(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		text   string
		exact  []string
		prefix string
	}{
		{"caf", nil, "caf"},
		{"cafe ", []string{"cafe"}, ""},
		{"Café au", []string{"cafe"}, "au"},
		{"au CAFÉ au", []string{"au", "cafe"}, "au"},
		{"cafe\u0301", nil, "cafe"},
		{"cafe!", []string{"cafe"}, ""},
		{"東京", []string{"京", "東"}, ""},
		{"", nil, ""},
		{" !! ", nil, ""},
	} {
		q := parseQuery(tc.text)
		if !slices.Equal(q.exact, tc.exact) || q.prefix != tc.prefix {
			t.Errorf("parseQuery(%q) = %q + prefix %q, want %q + %q", tc.text, q.exact, q.prefix, tc.exact, tc.prefix)
		}
	}
}

func TestQueryMatches(t *testing.T) {
	terms := termSet("Le CAFÉ est fermé, désolé")
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"cafe", true},
		{"caf", true},
		{"cafe ", true},
		{"ferme desole", true},
		{"cafe ouvert", false},
		{"cafes", false},
		{"fer", true},
		{"fer ", false},
		{"est le", true},
	} {
		if got := parseQuery(tc.text).matches(terms); got != tc.want {
			t.Errorf("%q matches %q = %v, want %v", tc.text, terms, got, tc.want)
		}
	}
}
