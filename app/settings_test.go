package app

import (
	"path/filepath"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
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
	e := &env{}
	for i, s := range steps {
		o, err := e.engineOptions(t.Context(), st, serveOptions{domain: s.flag})
		if err != nil || o.Domain != s.want {
			t.Fatalf("step %d: --domain %q gave %q, %v; want %q", i, s.flag, o.Domain, err, s.want)
		}
	}
}

func TestEngineSettingsFlagThenSavedThenDefault(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := &env{}
	o, err := e.engineOptions(t.Context(), st, serveOptions{})
	if err != nil || o.Listen != defaultListen || o.DailyAt.String() != defaultPollAt || o.Tunnel != engine.TunnelNgrok {
		t.Fatalf("defaults: listen %q, poll %v, tunnel %v, %v", o.Listen, o.DailyAt, o.Tunnel, err)
	}
	if err := st.PutSettings(t.Context(), store.Settings{Listen: "127.0.0.1:9000", PollAt: "07:30", NoTunnel: true}); err != nil {
		t.Fatal(err)
	}
	o, err = e.engineOptions(t.Context(), st, serveOptions{})
	if err != nil || o.Listen != "127.0.0.1:9000" || o.DailyAt.String() != "07:30" || o.Tunnel != engine.TunnelOff {
		t.Fatalf("saved: listen %q, poll %v, tunnel %v, %v", o.Listen, o.DailyAt, o.Tunnel, err)
	}
	o, err = e.engineOptions(t.Context(), st, serveOptions{listen: "127.0.0.1:9100", pollAt: "22:05"})
	if err != nil || o.Listen != "127.0.0.1:9100" || o.DailyAt.String() != "22:05" {
		t.Fatalf("flags: listen %q, poll %v, %v", o.Listen, o.DailyAt, err)
	}
	if _, err := e.engineOptions(t.Context(), st, serveOptions{listen: "0.0.0.0:9100"}); err == nil {
		t.Error("a non-loopback --listen was accepted without --public-listen")
	} else if _, usage := err.(usageError); !usage {
		t.Errorf("non-loopback --listen: %v, want a usage error", err)
	}
	if o, err := e.engineOptions(t.Context(), st, serveOptions{listen: "0.0.0.0:9100", publicListen: true}); err != nil || !o.PublicListen {
		t.Errorf("--public-listen: %v (public %v)", err, o.PublicListen)
	}
}
