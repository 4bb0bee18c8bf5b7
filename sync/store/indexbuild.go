package store

import (
	"bytes"
	"context"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// A file written before the search index existed (schema 1, or one whose
// index was made by an older tokenizer) gets its index built in the
// background after Open: names first, then messages, indexBuildBatch
// records per write through the committer, so webhooks keep committing
// in between and a restart resumes where the build stopped. Writes made
// meanwhile index themselves as always; the build's puts are idempotent,
// so meeting their records again changes nothing. Until it finishes,
// Search says its result may be Partial.

// searchVersion is the tokenizer's version. Changing how text is folded
// or split must bump it: the index is then dropped and built again.
const searchVersion = 1

// indexBuildBatch is how many records one build write indexes: a few
// tens of milliseconds of work, so a webhook queued behind it waits no
// longer than that.
const indexBuildBatch = 2000

// searchState is the build state kept in meta.
type searchState struct {
	Version int `json:"version"`
	// Done is set once every record written before the index existed is
	// in it.
	Done bool `json:"done,omitempty"`
	// Names is set once the customer names are in; messages follow.
	Names bool `json:"names,omitempty"`
	// From is the last record indexed: a convs key, then a msgs key.
	From []byte `json:"from,omitempty"`
}

// prepareIndex reports whether the index must be built, after dropping
// one made by another tokenizer version.
func prepareIndex(db *bbolt.DB) (build bool, err error) {
	err = db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte(bucketMeta))
		var st searchState
		if _, err := getJSON(meta, []byte(metaSearch), &st); err != nil {
			return err
		}
		if st.Version == searchVersion {
			build = !st.Done
			return nil
		}
		for _, name := range []string{bucketSearchMsgs, bucketSearchNames} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		build = true
		return putJSON(meta, []byte(metaSearch), searchState{Version: searchVersion})
	})
	return build, err
}

// startIndexBuild runs the build until it is done or Close stops it.
func (s *Store) startIndexBuild() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopBuild = cancel
	s.indexing.Store(true)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		start := time.Now()
		s.log.Info("building the search index", "path", s.path)
		for ctx.Err() == nil {
			var done bool
			err := s.write(func(t *txn) (err error) {
				done, err = t.indexBatch(indexBuildBatch)
				return err
			})
			if err != nil {
				s.log.Error("search index build stopped; the next start resumes it", "err", err)
				return
			}
			if done {
				s.indexing.Store(false)
				s.log.Info("search index built", "took", time.Since(start).Round(time.Millisecond))
				return
			}
		}
	}()
}

// indexBatch indexes up to n records past the saved position and reports
// whether the build is done.
func (t *txn) indexBatch(n int) (done bool, err error) {
	var st searchState
	if _, err := getJSON(t.meta, []byte(metaSearch), &st); err != nil {
		return false, err
	}
	if st.Done {
		return true, nil
	}
	if !st.Names {
		st.From, err = t.indexNames(st.From, n)
		st.Names = st.From == nil
	} else {
		st.From, err = t.indexMessages(st.From, n)
		st.Done = st.From == nil
	}
	if err != nil {
		return false, err
	}
	return st.Done, putJSON(t.meta, []byte(metaSearch), st)
}

// indexNames indexes up to n conversations' names after key from (from
// the first if nil), and returns the last one's key, nil at the end.
func (t *txn) indexNames(from []byte, n int) ([]byte, error) {
	c := t.convs.Cursor()
	i := 0
	for k, v := seekAfter(c, from); k != nil; k, v = c.Next() {
		if i == n {
			return from, nil
		}
		var conv Conversation
		if err := decode(k, v, &conv); err != nil {
			return nil, err
		}
		if terms := termSet(conv.CustomerName); len(terms) > 0 {
			no, err := t.convNo(k)
			if err != nil {
				return nil, err
			}
			for _, term := range terms {
				if err := t.searchNames.Put(postingKey(term, docKey{seconds(conv.UpdatedAt), no}), nil); err != nil {
					return nil, err
				}
			}
		}
		from = bytes.Clone(k)
		i++
	}
	return nil, nil
}

// indexMessages is indexNames for messages.
func (t *txn) indexMessages(from []byte, n int) ([]byte, error) {
	c := t.msgs.Cursor()
	var lastConv []byte
	var no uint32
	i := 0
	for k, v := seekAfter(c, from); k != nil; k, v = c.Next() {
		if i == n {
			return from, nil
		}
		var m Message
		if err := decode(k, v, &m); err != nil {
			return nil, err
		}
		if terms := termSet(m.Text); len(terms) > 0 {
			// Messages come grouped by conversation.
			if key := convKey(m.PageID, m.PSID); !bytes.Equal(key, lastConv) {
				var err error
				if no, err = t.convNo(key); err != nil {
					return nil, err
				}
				lastConv = key
			}
			d := docKey{seconds(m.CreatedAt), no}
			for _, term := range terms {
				if err := t.searchMsgs.Put(postingKey(term, d), nil); err != nil {
					return nil, err
				}
			}
		}
		from = bytes.Clone(k)
		i++
	}
	return nil, nil
}

// seekAfter positions c on the first key after from, or the first key if
// from is nil.
func seekAfter(c *bbolt.Cursor, from []byte) (k, v []byte) {
	if from == nil {
		return c.First()
	}
	k, v = c.Seek(from)
	if bytes.Equal(k, from) {
		k, v = c.Next()
	}
	return k, v
}
