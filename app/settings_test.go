package app

import (
	"path/filepath"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

func TestServeRemembersTheNgrokDomain(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps := []struct{ flag, want string }{
		{"", ""},
		{"shop-inbox.ngrok.app", "shop-inbox.ngrok.app"},
		{"", "shop-inbox.ngrok.app"}, // remembered
		{"other.ngrok.app", "other.ngrok.app"},
		{"none", ""}, // forgotten
		{"", ""},
	}
	for i, s := range steps {
		got, err := rememberDomain(t.Context(), st, s.flag)
		if err != nil || got != s.want {
			t.Fatalf("step %d: --domain %q gave %q, %v; want %q", i, s.flag, got, err, s.want)
		}
	}
}
