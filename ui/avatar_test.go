package ui

import "testing"

func TestInitials(t *testing.T) {
	tests := map[string]string{
		"Ana Souza":            "AS",
		"jürgen müller":        "JM",
		"Zoë 🌸 Smith":          "ZS",
		"王芳":                   "王",
		"Madonna":              "M",
		"🌸🌸":                   "?",
		"":                     "?",
		"Priya R. Subramaniam": "PS",
	}
	for name, want := range tests {
		if got := initialsOf(name); got != want {
			t.Errorf("initialsOf(%q) = %q, want %q", name, got, want)
		}
	}
}
