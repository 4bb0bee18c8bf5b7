package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSyncCheckpointRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	zone := time.FixedZone("X", 3600)
	cp := &SyncCheckpoint{
		Started: time.Date(2026, 5, 1, 12, 0, 0, 0, zone),
		Through: time.Date(2026, 4, 1, 12, 0, 0, 0, zone),
		Retry:   []SyncRetry{{ConversationID: "t_1", Since: time.Date(2026, 3, 1, 0, 0, 0, 0, zone)}, {ConversationID: "t_2"}},
	}
	if err := s.PutSyncState(ctx, SyncState{PageID: "p1", Checkpoint: cp}); err != nil {
		t.Fatal(err)
	}
	if cp.Started.Location() != zone || cp.Retry[0].Since.Location() != zone {
		t.Error("PutSyncState changed the caller's checkpoint")
	}
	got, err := s.SyncState(ctx, "p1")
	if err != nil || got.Checkpoint == nil {
		t.Fatalf("SyncState = %+v, %v", got, err)
	}
	g := got.Checkpoint
	if !g.Started.Equal(cp.Started) || !g.Through.Equal(cp.Through) || !g.Until.IsZero() || g.Walked ||
		len(g.Retry) != 2 || g.Retry[0].ConversationID != "t_1" || !g.Retry[0].Since.Equal(cp.Retry[0].Since) || !g.Retry[1].Since.IsZero() {
		t.Errorf("checkpoint %+v, want %+v", g, cp)
	}
	if g.Started.Location() != time.UTC || g.Retry[0].Since.Location() != time.UTC {
		t.Error("checkpoint times not stored in UTC")
	}

	bad := SyncState{PageID: "p1", Checkpoint: &SyncCheckpoint{Retry: []SyncRetry{{ConversationID: ""}}}}
	if err := s.PutSyncState(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("retry without a conversation id: err %v, want ErrInvalid", err)
	}
	if err := s.PutSyncState(ctx, SyncState{PageID: "p1"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SyncState(ctx, "p1"); got.Checkpoint != nil {
		t.Errorf("checkpoint %+v after it was cleared", got.Checkpoint)
	}
}
