package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestPageDisconnected: the flag survives what webhooks and polls write
// and a restart; only SetDisconnected changes it.
func TestPageDisconnected(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "inbox.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	apply(t, s, Changes{Pages: []Page{{ID: "p1", Name: "Shop", UpdatedAt: at}}})
	if err := s.SetDisconnected(ctx, "nope", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetDisconnected(unknown) err = %v, want ErrNotFound", err)
	}
	if err := s.SetDisconnected(ctx, "p1", true); err != nil {
		t.Fatal(err)
	}
	// A page change from a late webhook or a poll does not reconnect it.
	apply(t, s, Changes{Pages: []Page{{ID: "p1", Name: "Shop Renamed", UpdatedAt: at.Add(time.Hour)}}})
	if err := s.SetNeedsLogin(ctx, "p1", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pg, err := s.Page(ctx, "p1")
	if err != nil || !pg.Disconnected || pg.Name != "Shop Renamed" {
		t.Fatalf("page after disconnect, rename and restart: %+v, %v", pg, err)
	}
	if err := s.SetDisconnected(ctx, "p1", false); err != nil {
		t.Fatal(err)
	}
	if pg, err := s.Page(ctx, "p1"); err != nil || pg.Disconnected {
		t.Errorf("page after reconnecting: %+v, %v", pg, err)
	}
}
