package authflow

import (
	"encoding/base64"
	"testing"
)

func TestNewState(t *testing.T) {
	seen := make(map[string]bool)
	for range 100 {
		s, err := NewState()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != 32 {
			t.Fatalf("state %q: %d bytes, %v; want 32 bytes of base64url", s, len(raw), err)
		}
		if seen[s] {
			t.Fatalf("state %q issued twice", s)
		}
		seen[s] = true
	}
}

func TestSameState(t *testing.T) {
	tests := []struct {
		issued, got string
		want        bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"abc", "", false},
	}
	for _, tt := range tests {
		if got := sameState(tt.issued, tt.got); got != tt.want {
			t.Errorf("sameState(%q, %q) = %t, want %t", tt.issued, tt.got, got, tt.want)
		}
	}
}
