package store

import (
	"path/filepath"
	"testing"
)

func TestSettingsSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inbox.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Settings(t.Context()); err != nil || got != (Settings{}) {
		t.Fatalf("fresh settings = %+v, %v; want zero", got, err)
	}
	if err := s.PutSettings(t.Context(), Settings{NgrokDomain: "shop-inbox.ngrok.app"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Settings(t.Context()); err != nil || got.NgrokDomain != "shop-inbox.ngrok.app" {
		t.Fatalf("settings after reopen = %+v, %v", got, err)
	}
}
