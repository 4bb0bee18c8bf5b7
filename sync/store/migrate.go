package store

import (
	"bytes"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// migrateBatch is how many conversations one migration transaction
// rewrites: large enough to amortise the commits, small enough that the
// transaction's dirty pages stay a few megabytes.
const migrateBatch = 2000

// migrate upgrades a file written by an older schema, one step at a time.
// Each step is resumable, so a crash or a kill during an upgrade leaves a
// file the next Open finishes upgrading.
func migrate(db *bbolt.DB) error {
	var v int
	err := db.View(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSchema), &v)
		return err
	})
	if err != nil {
		return err
	}
	if v == 1 {
		if err := migrateToV2(db); err != nil {
			return fmt.Errorf("migrate schema 1 to 2: %w", err)
		}
		v = 2
	}
	if v == 2 {
		if err := migrateToV3(db); err != nil {
			return fmt.Errorf("migrate schema 2 to 3: %w", err)
		}
	}
	return nil
}

// migrateToV2 gives every conversation a read marker, a local unread count
// and LastDirection. Schema 1 kept Graph's unread_count as UnreadCount
// (0 for a conversation no poll had seen); it places the marker exactly as
// a first import by a poll does, so the inbox opens as the merchant left
// it in Meta's inbox instead of lighting up every old conversation.
func migrateToV2(db *bbolt.DB) error {
	return rewriteConvs(db, 2, nil, func(t *txn, e *convEntry) error {
		e.resnip = true
		e.imported = &graphUnread{count: e.cur.UnreadCount}
		e.cur.Polled = e.cur.ID != ""
		return nil
	})
}

// rewriteConvs is one resumable migration step to schema version: first
// runs in the step's first transaction (nil: nothing), then every
// conversation goes through fn and is written back. Conversations are
// rewritten in key order, migrateBatch per transaction; the last one done
// is kept in meta until the step completes.
func rewriteConvs(db *bbolt.DB, version int, first func(*txn) error, fn func(*txn, *convEntry) error) error {
	for done := false; !done; {
		err := db.Update(func(tx *bbolt.Tx) error {
			t, err := newTxn(tx)
			if err != nil {
				return err
			}
			from := bytes.Clone(t.meta.Get([]byte(metaMigrateFrom)))
			if from == nil && first != nil {
				if err := first(t); err != nil {
					return err
				}
			}
			c := t.convs.Cursor()
			k, _ := c.First()
			if from != nil {
				if k, _ = c.Seek(from); bytes.Equal(k, from) {
					k, _ = c.Next()
				}
			}
			var ids [][2]string
			var last []byte
			for ; k != nil && len(ids) < migrateBatch; k, _ = c.Next() {
				if pageID, psid, ok := bytes.Cut(k, []byte{sep}); ok {
					ids = append(ids, [2]string{string(pageID), string(psid)})
				}
				last = bytes.Clone(k)
			}
			done = k == nil
			// Rewrite only after the walk: writes move a bbolt cursor.
			for _, id := range ids {
				e, err := t.conv(id[0], id[1])
				if err != nil {
					return err
				}
				if err := fn(t, e); err != nil {
					return err
				}
			}
			if err := t.flush(); err != nil {
				return err
			}
			if !done {
				return t.meta.Put([]byte(metaMigrateFrom), last)
			}
			if err := t.meta.Delete([]byte(metaMigrateFrom)); err != nil {
				return err
			}
			return putJSON(t.meta, []byte(metaSchema), version)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
