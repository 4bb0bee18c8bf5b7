package engine

import (
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// walkPlan says which of a page's conversations one poll reads. Graph
// lists them by updated_time, newest first, so the list falls into
// regions, in this order:
//
//	top     updated at or after top: new since an unfinished walk began; read
//	skip    updated after through: stored by that walk; passed over
//	bottom  updated at or after until: read
//	end     updated before until: stored by earlier polls; the walk stops
//
// A poll with no unfinished walk to resume has neither top nor skip: it
// reads everything back to the last successful poll (less the overlap),
// or, on a first sync, everything.
type walkPlan struct {
	started time.Time // this poll's start
	hasTop  bool
	top     time.Time
	hasSkip bool
	through time.Time
	until   time.Time // zero: the page's oldest conversation
}

type region int

const (
	regionTop region = iota
	regionSkip
	regionBottom
	regionEnd
)

// planWalk reads the plan out of the page's sync state.
func planWalk(st store.SyncState, started time.Time, overlap time.Duration) walkPlan {
	if cp := st.Checkpoint; cp != nil && !cp.Walked {
		return walkPlan{
			started: started,
			hasTop:  true, top: cp.Started.Add(-overlap),
			hasSkip: true, through: cp.Through,
			until: cp.Until,
		}
	}
	w := walkPlan{started: started}
	if !st.LastSuccess.IsZero() {
		w.until = st.LastSuccess.Add(-overlap)
	}
	return w
}

func (w walkPlan) region(updated time.Time) region {
	switch {
	case w.hasTop && !updated.Before(w.top):
		return regionTop
	case w.hasSkip && updated.After(w.through):
		return regionSkip
	case !w.until.IsZero() && updated.Before(w.until):
		return regionEnd
	}
	return regionBottom
}

// messagesSince is how far back a conversation's messages are read: to
// the walk's end, also in the top region, since a conversation there may
// have sat in the unread bottom before its new message moved it up.
func (w walkPlan) messagesSince() time.Time { return w.until }

// frontier follows a walk's conversations in list order while workers
// complete them in any order, and knows how far the list is done without
// a gap: only that, never the latest completion, may go in a checkpoint.
type frontier struct {
	mu      sync.Mutex
	entries map[int]*entry // handed out, not yet in the done prefix
	next    int            // seq of the next entry
	low     int            // every entry below it is done

	// What the done prefix holds.
	pastTop    bool      // an entry of another region: the top region is done
	hasBottom  bool      // a bottom entry, the last of them updated at lastBottom
	lastBottom time.Time //
}

type entry struct {
	updated time.Time
	region  region
	done    bool
}

// add enters the next conversation of the list; a skipped one is done at
// once.
func (f *frontier) add(updated time.Time, r region) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.entries == nil {
		f.entries = map[int]*entry{}
	}
	seq := f.next
	f.next++
	f.entries[seq] = &entry{updated: updated, region: r}
	if r == regionSkip {
		f.complete(seq)
	}
	return seq
}

// done records that the conversation seq is stored (or left for a retry
// of its own) and returns the length of the done prefix.
func (f *frontier) done(seq int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.complete(seq)
	return f.low
}

func (f *frontier) complete(seq int) {
	f.entries[seq].done = true
	for e := f.entries[f.low]; e != nil && e.done; e = f.entries[f.low] {
		delete(f.entries, f.low)
		f.low++
		if e.region != regionTop {
			f.pastTop = true
		}
		if e.region == regionBottom {
			f.hasBottom, f.lastBottom = true, e.updated
		}
	}
}

// checkpoint is where the walk stands: what a poll that starts now must
// still do. old is the checkpoint the walk resumed (nil: none). Without
// progress to record, old stands.
func (f *frontier) checkpoint(w walkPlan, old *store.SyncCheckpoint, retry []store.SyncRetry) *store.SyncCheckpoint {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cp store.SyncCheckpoint
	switch {
	case w.hasTop && !f.pastTop, !f.hasBottom && !w.hasSkip:
		// The top region is not done, or nothing is: the next poll reads
		// from the top as this one did.
		if old == nil {
			if len(retry) == 0 {
				return nil
			}
			return &store.SyncCheckpoint{Walked: true, Retry: retry}
		}
		cp = *old
	default:
		cp = store.SyncCheckpoint{Started: w.started, Through: w.through, Until: w.until}
		if f.hasBottom {
			cp.Through = f.lastBottom
		}
	}
	cp.Retry = retry
	if cp.Walked && len(retry) == 0 {
		return nil
	}
	return &cp
}
