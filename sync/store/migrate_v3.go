package store

import (
	"bytes"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// migrateToV3 fills in what schema 3 added to existing data: each
// conversation's LastIncomingAt (the newest incoming message's time, which
// opens the reply window) and the products panel's search index. Drafts
// start empty.
func migrateToV3(db *bbolt.DB) error {
	return rewriteConvs(db, 3, (*txn).indexAllProducts, func(t *txn, e *convEntry) error {
		at, err := t.lastIncoming(e.orig.PageID, e.orig.PSID)
		if err != nil {
			return err
		}
		e.cur.LastIncomingAt = later(e.cur.LastIncomingAt, at)
		return nil
	})
}

// lastIncoming is when the customer's newest stored message was written,
// zero when there is none. Messages are read newest first until one
// incoming is found: most conversations end with the customer, or close.
func (t *txn) lastIncoming(pageID, psid string) (at time.Time, err error) {
	prefix := msgPrefix(pageID, psid)
	c := t.msgs.Cursor()
	for k, v := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		var m struct {
			Direction Direction `json:"direction"`
			CreatedAt time.Time `json:"created_at"`
		}
		if err := decode(k, v, &m); err != nil {
			return time.Time{}, err
		}
		if m.Direction == Incoming {
			return m.CreatedAt, nil
		}
	}
	return time.Time{}, nil
}

// indexAllProducts builds the products' search entries.
func (t *txn) indexAllProducts() error {
	return t.products.ForEach(func(k, v []byte) error {
		var p Product
		if err := decode(k, v, &p); err != nil {
			return err
		}
		return t.productSearch.Put(productSearchKey(p), productWords(p))
	})
}
