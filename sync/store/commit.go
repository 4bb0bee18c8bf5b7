package store

import (
	"errors"
	"sync"

	bbolt "go.etcd.io/bbolt"
)

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store is closed")

// maxGroup bounds how many writes share one transaction, so one commit's
// latency stays bounded under a flood.
const maxGroup = 512

// writeReq is one write waiting for the committer.
type writeReq struct {
	fn   func(*txn) error
	done chan error
}

// committer is group commit: a single goroutine takes the write at the
// head of the queue plus every write that queued up behind it, runs them in
// one transaction and pays one fsync for all of them. A lone write commits
// at once (no timer, unlike bbolt's Batch, whose 10 ms wait every
// sequential write would pay); a burst of webhooks shares the fsync that
// is already under way. Throughput then grows with concurrency while
// latency stays about one or two commits.
type committer struct {
	db    *bbolt.DB
	queue chan writeReq
	done  chan struct{}

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
}

func newCommitter(db *bbolt.DB) *committer {
	c := &committer{db: db, queue: make(chan writeReq, maxGroup), done: make(chan struct{})}
	go c.loop()
	return c
}

// write queues fn and waits for its transaction to commit. fn may run
// more than once (a group whose member failed is retried one by one), so
// it must derive everything from the transaction and its arguments.
func (c *committer) write(fn func(*txn) error) error {
	req := writeReq{fn: fn, done: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	c.queue <- req
	c.mu.RUnlock()
	return <-req.done
}

// close stops accepting writes and waits for the queued ones to commit.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	group := make([]writeReq, 0, maxGroup)
	for req := range c.queue {
		group = append(group[:0], req)
	drain:
		for len(group) < maxGroup {
			select {
			case r, ok := <-c.queue:
				if !ok {
					break drain
				}
				group = append(group, r)
			default:
				break drain
			}
		}
		c.commit(group)
	}
}

// groupMemberError marks which member of a group failed, so the others can
// be retried alone and still land.
type groupMemberError struct{ err error }

func (e groupMemberError) Error() string { return e.err.Error() }

func (c *committer) commit(group []writeReq) {
	err := c.db.Update(func(tx *bbolt.Tx) error {
		for _, r := range group {
			if err := runWrite(tx, r.fn); err != nil {
				return groupMemberError{err}
			}
		}
		return nil
	})
	var member groupMemberError
	if err == nil || len(group) == 1 || !errors.As(err, &member) {
		if errors.As(err, &member) {
			err = member.err
		}
		for _, r := range group {
			r.done <- err
		}
		return
	}
	// One write failed and rolled the whole group back: give each its own
	// transaction so only the bad one fails.
	for _, r := range group {
		r.done <- c.db.Update(func(tx *bbolt.Tx) error { return runWrite(tx, r.fn) })
	}
}

// runWrite runs fn over tx and flushes the counters it changed.
func runWrite(tx *bbolt.Tx, fn func(*txn) error) error {
	t, err := newTxn(tx)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		return err
	}
	return t.flush()
}
