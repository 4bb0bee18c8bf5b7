package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// buckets are the handles of one transaction.
type buckets struct {
	meta, pages, convs, convIDs, recent, msgs, mids, reactions, sync *bbolt.Bucket

	// The search index.
	searchMsgs, searchNames, convNos, convKeys *bbolt.Bucket

	// Connections, the Shopify shop and catalogue, and webhook dedupe.
	conns, shop, products, productTitles, productTombs, shopifyHooks, shopifyHookTimes *bbolt.Bucket

	// Schema 3: unsent replies, and the products panel's search.
	drafts, productSearch *bbolt.Bucket
}

func bucketsOf(tx *bbolt.Tx) (buckets, error) {
	var b buckets
	for _, x := range []struct {
		name string
		dst  **bbolt.Bucket
	}{
		{bucketMeta, &b.meta}, {bucketPages, &b.pages}, {bucketConvs, &b.convs},
		{bucketConvIDs, &b.convIDs}, {bucketRecent, &b.recent}, {bucketMsgs, &b.msgs},
		{bucketMids, &b.mids}, {bucketReactions, &b.reactions}, {bucketSync, &b.sync},
		{bucketSearchMsgs, &b.searchMsgs}, {bucketSearchNames, &b.searchNames},
		{bucketConvNos, &b.convNos}, {bucketConvKeys, &b.convKeys},
		{bucketConns, &b.conns}, {bucketShop, &b.shop}, {bucketProducts, &b.products},
		{bucketProductTitles, &b.productTitles}, {bucketProductTombs, &b.productTombs},
		{bucketShopifyHooks, &b.shopifyHooks}, {bucketShopifyHookTimes, &b.shopifyHookTimes},
		{bucketDrafts, &b.drafts}, {bucketProductSearch, &b.productSearch},
	} {
		if *x.dst = tx.Bucket([]byte(x.name)); *x.dst == nil {
			return b, fmt.Errorf("store: bucket %s missing", x.name)
		}
	}
	return b, nil
}

// txn is the state of one write transaction. Conversations are loaded once
// and written once at flush, however many messages and receipts touch
// them, and the recency index is moved only by the net change. The Stats
// counters are kept here too and committed with the data they count.
type txn struct {
	buckets
	stats      Stats
	statsDirty bool
	cache      map[string]*convEntry
	// added collects the messages this write stored for the first time.
	added []Message
}

// convEntry is a conversation as loaded (orig) and as it will be written.
type convEntry struct {
	key     []byte
	orig    Conversation
	cur     Conversation
	existed bool
	// resnip asks flush to settle the snippet: a message or a snippet
	// was written.
	resnip bool
	// newIn are the msgs keys of incoming messages this write stored
	// (or learnt the direction of); flush counts those after the marker.
	newIn [][]byte
	// imported is Graph's view of the conversation when this write is
	// its first import by a poll; flush places the read marker from it.
	imported *graphUnread
	// no is the conversation's number in the search index, 0 until
	// looked up (see entryNo).
	no uint32
}

func newTxn(tx *bbolt.Tx) (*txn, error) {
	b, err := bucketsOf(tx)
	if err != nil {
		return nil, err
	}
	t := &txn{buckets: b, cache: make(map[string]*convEntry)}
	if _, err := getJSON(b.meta, []byte(metaStats), &t.stats); err != nil {
		return nil, err
	}
	return t, nil
}

// ensurePage creates the page record if it is missing, so the pages list
// (the only place the app remembers its pages) knows every page that has
// data.
func (t *txn) ensurePage(id string) error {
	if t.pages.Get([]byte(id)) != nil {
		return nil
	}
	t.stats.Pages++
	t.statsDirty = true
	return putJSON(t.pages, []byte(id), Page{ID: id})
}

// conv returns the transaction's copy of a conversation, creating it (and
// its page) if missing.
func (t *txn) conv(pageID, psid string) (*convEntry, error) {
	key := convKey(pageID, psid)
	if e, ok := t.cache[string(key)]; ok {
		return e, nil
	}
	e := &convEntry{key: key}
	ok, err := getJSON(t.convs, key, &e.orig)
	if err != nil {
		return nil, err
	}
	if ok {
		e.existed = true
	} else {
		if err := t.ensurePage(pageID); err != nil {
			return nil, err
		}
		e.orig = Conversation{PageID: pageID, PSID: psid}
		t.stats.Conversations++
		t.statsDirty = true
	}
	e.cur = e.orig
	t.cache[string(key)] = e
	return e, nil
}

// flush writes the conversations and counters the transaction changed.
func (t *txn) flush() error {
	for _, e := range t.cache {
		if err := t.settleSnippet(e); err != nil {
			return err
		}
		if err := t.settleUnread(e); err != nil {
			return err
		}
		if err := t.flushConv(e); err != nil {
			return err
		}
	}
	if !t.statsDirty {
		return nil
	}
	return putJSON(t.meta, []byte(metaStats), t.stats)
}

func (t *txn) flushConv(e *convEntry) error {
	c, o := e.cur, e.orig
	if err := putIfChanged(t.convs, e.key, c); err != nil {
		return err
	}
	if err := t.indexName(e); err != nil {
		return err
	}
	if !e.existed || stamp(o.UpdatedAt) != stamp(c.UpdatedAt) {
		if e.existed {
			if err := t.recent.Delete(recentKey(o.PageID, o.UpdatedAt, o.PSID)); err != nil {
				return err
			}
		}
		if err := t.recent.Put(recentKey(c.PageID, c.UpdatedAt, c.PSID), nil); err != nil {
			return err
		}
	}
	if c.ID == o.ID || c.ID == "" {
		return nil
	}
	// Graph ids do not change in practice; if one does, drop the stale
	// entry unless it has since been claimed by another conversation.
	if o.ID != "" && bytes.Equal(t.convIDs.Get([]byte(o.ID)), e.key) {
		if err := t.convIDs.Delete([]byte(o.ID)); err != nil {
			return err
		}
	}
	return t.convIDs.Put([]byte(c.ID), e.key)
}

// putIfChanged writes v at key unless the stored bytes are already equal,
// so re-applying known data does not dirty pages or grow the commit.
func putIfChanged(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	if bytes.Equal(b.Get(key), data) {
		return nil
	}
	return b.Put(key, data)
}
