package app

import "testing"

func TestTitleSuffix(t *testing.T) {
	for label, want := range map[string]string{
		"":       "",
		"  ":     "",
		"Demo":   " — Demo",
		" Demo ": " — Demo",
	} {
		if got := titleSuffix(label); got != want {
			t.Errorf("titleSuffix(%q) = %q, want %q", label, got, want)
		}
	}
}
