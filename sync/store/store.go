// Package store is the local record of truth: pages, conversations,
// messages and sync state, plus what the merchant connected and the
// Shopify shop and catalogue, in one bbolt file.
//
// Webhooks and polls both write through Apply, whose merge rules make the
// two sources agree: a message seen by both is stored once, and applying
// the same Changes twice leaves the store as applying it once. Reads are
// served from key ranges laid out for them (see keys.go), so listing the
// newest conversations or the latest messages costs the same in a small
// database and in a large one.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrLocked means another process holds the database file. bbolt
	// allows one writer process, and a second app instance is the usual
	// cause, so the message says so.
	ErrLocked = errors.New("database is in use by another merchant-inbox (already running?)")
	// ErrNotFound means the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAmbiguous means a PSID given to FindConversation exists under
	// several pages; the caller must name the page.
	ErrAmbiguous = errors.New("ambiguous: matches conversations under several pages")
)

// schemaVersion is recorded in the file so a layout change can migrate
// (see migrate), and so an older binary refuses a newer file instead of
// misreading it. 2: local unread counts and read markers. 3: the
// customer's last message time (the reply window), drafts, and the
// products panel's search index.
const schemaVersion = 3

// defaultTimeout bounds the wait for the file lock: long enough to ride
// out a previous instance that is just exiting, short enough that a
// second launch reports "already running" promptly.
const defaultTimeout = time.Second

// Options tunes Open.
type Options struct {
	// Timeout is how long Open waits for the file lock before failing
	// with ErrLocked. Zero (or negative) means 1s.
	Timeout time.Duration
	// NoSync skips fsync on commit. Only for benchmarks and fixtures: a
	// crash can lose or corrupt committed data.
	NoSync bool
	// Logger hears about work the store does in the background (building
	// the search index of an older file). Nil discards it.
	Logger *slog.Logger
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db   *bbolt.DB
	path string
	w    *committer
	log  *slog.Logger

	// The background search index build (see indexbuild.go).
	indexing  atomic.Bool
	stopBuild context.CancelFunc
	bg        sync.WaitGroup
}

// Open opens or creates the database at path (mode 0600, parent
// directories 0700, since it holds private customer conversations),
// creates missing buckets and records the schema version.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: opts.Timeout,
		NoSync:  opts.NoSync,
		// The hashmap freelist stays fast as the file grows and
		// fragments; the array default degrades on large files.
		FreelistType: bbolt.FreelistMapType,
	})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.Update(initSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := migrate(db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	build, err := prepareIndex(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: search index: %w", path, err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{db: db, path: path, w: newCommitter(db), log: opts.Logger}
	if build {
		s.startIndexBuild()
	}
	return s, nil
}

// initSchema creates every bucket and checks the version, or records it
// for a new file. An older version is left for migrate.
func initSchema(tx *bbolt.Tx) error {
	for _, name := range []string{
		bucketMeta, bucketPages, bucketConvs, bucketConvIDs, bucketRecent,
		bucketMsgs, bucketMids, bucketReactions, bucketSync,
		// Added after schema 1 shipped without changing it: they are
		// created here on the first Open by a binary that knows them,
		// and an older binary never looks at them.
		bucketConns, bucketShop, bucketProducts, bucketProductTitles,
		bucketProductTombs, bucketShopifyHooks, bucketShopifyHookTimes,
		// Schema 2.
		bucketSearchMsgs, bucketSearchNames, bucketConvNos, bucketConvKeys,
		// Schema 3.
		bucketDrafts, bucketProductSearch,
	} {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket([]byte(bucketMeta))
	var v int
	if ok, err := getJSON(meta, []byte(metaSchema), &v); err != nil {
		return err
	} else if ok {
		if v > schemaVersion {
			return fmt.Errorf("schema version %d is newer than this app supports (%d)", v, schemaVersion)
		}
		return nil
	}
	// A new file: its search index is complete from the first write.
	if err := putJSON(meta, []byte(metaSearch), searchState{Version: searchVersion, Done: true}); err != nil {
		return err
	}
	return putJSON(meta, []byte(metaSchema), schemaVersion)
}

// Close stops the search index build if one runs (the next Open resumes
// it), commits the writes already queued, then releases the file and its
// lock. Writes after Close fail with ErrClosed.
func (s *Store) Close() error {
	if s.stopBuild != nil {
		s.stopBuild()
	}
	s.bg.Wait()
	s.w.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Path is the database file, for status and diagnostics.
func (s *Store) Path() string { return s.path }

// write runs fn in a write transaction shared with the writes queued
// beside it (see committer) and returns once that transaction committed.
func (s *Store) write(fn func(*txn) error) error { return s.w.write(fn) }

// getJSON decodes the value at key into v; ok is false when there is none.
func getJSON(b *bbolt.Bucket, key []byte, v any) (ok bool, err error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	return true, decode(key, data, v)
}

// putJSON encodes v at key.
func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	return b.Put(key, data)
}
