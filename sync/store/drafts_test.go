package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDraftsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if d, err := s.Draft(ctx, "p", "u1"); err != nil || !d.IsEmpty() || d.PageID != "p" || d.PSID != "u1" {
		t.Fatalf("no draft yet: %+v, %v", d, err)
	}
	if err := s.SetDraftText(ctx, "p", "u1", "Your order ships tomorrow"); err != nil {
		t.Fatal(err)
	}
	card := &Card{Title: "Blue Mug", Subtitle: "EUR 12.50", URL: "https://shop.example/p/mug", Button: "View"}
	failed, err := s.AddFailedSend(ctx, "p", "u1", FailedSend{Card: card, Reason: "Messenger is limiting this page's messages until 15:04.", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(failed.ID, "local_") {
		t.Errorf("failed send id %q", failed.ID)
	}
	second, err := s.AddFailedSend(ctx, "p", "u1", FailedSend{Text: "Hello?", Reason: "r2"})
	if err != nil {
		t.Fatal(err)
	}
	// Another conversation's draft is its own.
	if err := s.SetDraftText(ctx, "p", "u2", "other"); err != nil {
		t.Fatal(err)
	}
	// Setting the text keeps the failures.
	if err := s.SetDraftText(ctx, "p", "u1", "Your order ships on Monday"); err != nil {
		t.Fatal(err)
	}

	s = reopen(t, s)
	d, err := s.Draft(ctx, "p", "u1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != "Your order ships on Monday" || len(d.Failed) != 2 || d.Failed[0].ID != failed.ID ||
		d.Failed[0].Card == nil || *d.Failed[0].Card != *card || !d.Failed[0].At.Equal(t0) || d.Failed[1].Text != "Hello?" {
		t.Fatalf("after reopen: %+v", d)
	}

	got, ok, err := s.RemoveFailedSend(ctx, "p", "u1", failed.ID)
	if err != nil || !ok || got.ID != failed.ID {
		t.Fatalf("RemoveFailedSend = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := s.RemoveFailedSend(ctx, "p", "u1", failed.ID); err != nil || ok {
		t.Errorf("removing it again: ok %v, %v", ok, err)
	}
	// Clearing text and the last failure leaves no record.
	if err := s.SetDraftText(ctx, "p", "u1", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RemoveFailedSend(ctx, "p", "u1", second.ID); err != nil {
		t.Fatal(err)
	}
	if n := bucketLen(t, s, bucketDrafts); n != 1 {
		t.Errorf("%d drafts stored, want only u2's", n)
	}
	if err := s.DeleteDraft(ctx, "p", "u2"); err != nil {
		t.Fatal(err)
	}
	if n := bucketLen(t, s, bucketDrafts); n != 0 {
		t.Errorf("%d drafts after delete", n)
	}
}

func TestPutDraftReplaces(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.AddFailedSend(ctx, "p", "u1", FailedSend{Text: "x", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDraft(ctx, Draft{PageID: "p", PSID: "u1", Text: "only this", Failed: []FailedSend{{Text: "y", Reason: "r", At: t0.In(time.FixedZone("X", 3600))}}}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Draft(ctx, "p", "u1")
	if err != nil || d.Text != "only this" || len(d.Failed) != 1 || d.Failed[0].Text != "y" || d.Failed[0].ID == "" || d.Failed[0].At.Location() != time.UTC {
		t.Fatalf("draft = %+v, %v", d, err)
	}
}

func TestDraftInvalid(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for _, err := range []error{
		s.SetDraftText(ctx, "", "u1", "x"),
		s.SetDraftText(ctx, "p", "a\x00b", "x"),
		s.SetDraftText(ctx, "p", "u1", strings.Repeat("x", maxDraftText+1)),
		s.PutDraft(ctx, Draft{PageID: "p"}),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
	}
	if n := bucketLen(t, s, bucketDrafts); n != 0 {
		t.Errorf("%d drafts stored", n)
	}
}
