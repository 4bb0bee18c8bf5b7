package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// The search index is written by the same transaction that writes what it
// indexes: a message's words with the message, a customer's name with the
// conversation. A search therefore never sees a message it cannot find,
// and a crash cannot leave the index behind the data. See keys.go for
// the layout and search.go for the reads.

// convNo returns the number that stands for a conversation in the index,
// giving it the next free one the first time.
func (t *txn) convNo(key []byte) (uint32, error) {
	if v := t.convNos.Get(key); len(v) == 4 {
		return binary.BigEndian.Uint32(v), nil
	}
	seq, err := t.convKeys.NextSequence()
	if err != nil {
		return 0, err
	}
	if seq > math.MaxUint32 {
		return 0, fmt.Errorf("search index: more than %d conversations", uint32(math.MaxUint32))
	}
	no := uint32(seq)
	if err := t.convNos.Put(bytes.Clone(key), convNoKey(no)); err != nil {
		return 0, err
	}
	return no, t.convKeys.Put(convNoKey(no), bytes.Clone(key))
}

// entryNo is convNo for a conversation the transaction holds.
func (t *txn) entryNo(e *convEntry) (uint32, error) {
	if e.no == 0 {
		no, err := t.convNo(e.key)
		if err != nil {
			return 0, err
		}
		e.no = no
	}
	return e.no, nil
}

// indexMessage adds the postings of a message stored for the first time.
func (t *txn) indexMessage(e *convEntry, m Message) error {
	terms := termSet(m.Text)
	if len(terms) == 0 {
		return nil
	}
	no, err := t.entryNo(e)
	if err != nil {
		return err
	}
	d := docKey{seconds(m.CreatedAt), no}
	for _, term := range terms {
		if err := t.searchMsgs.Put(postingKey(term, d), nil); err != nil {
			return err
		}
	}
	return nil
}

// reindexMessage follows a change of a stored message's text. A posting
// stands for every message of its conversation in its second, so a word
// the old text had is kept while another message of that second has it.
func (t *txn) reindexMessage(e *convEntry, old, cur Message) error {
	if old.Text == cur.Text {
		return nil
	}
	before, after := termSet(old.Text), termSet(cur.Text)
	no, err := t.entryNo(e)
	if err != nil {
		return err
	}
	d := docKey{seconds(cur.CreatedAt), no}
	for _, term := range after {
		if _, ok := slices.BinarySearch(before, term); !ok {
			if err := t.searchMsgs.Put(postingKey(term, d), nil); err != nil {
				return err
			}
		}
	}
	var gone []string
	for _, term := range before {
		if _, ok := slices.BinarySearch(after, term); !ok {
			gone = append(gone, term)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	err = t.eachInSecond(cur.PageID, cur.PSID, d.sec, func(m Message) bool {
		if m.ID != cur.ID {
			gone = slices.DeleteFunc(gone, func(term string) bool {
				_, ok := slices.BinarySearch(termSet(m.Text), term)
				return ok
			})
		}
		return len(gone) > 0
	})
	if err != nil {
		return err
	}
	for _, term := range gone {
		if err := t.searchMsgs.Delete(postingKey(term, d)); err != nil {
			return err
		}
	}
	return nil
}

// eachInSecond calls fn with each message of a conversation created in
// second sec, in key order, while fn returns true.
func eachInSecond(msgs *bbolt.Bucket, pageID, psid string, sec uint32, fn func(Message) bool) error {
	prefix := msgPrefix(pageID, psid)
	from := binary.BigEndian.AppendUint64(bytes.Clone(prefix), uint64(sec)*1e9)
	c := msgs.Cursor()
	for k, v := c.Seek(from); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) < len(prefix)+stampLen {
			continue
		}
		ts := binary.BigEndian.Uint64(k[len(prefix):])
		if sec < math.MaxUint32 && ts >= uint64(sec+1)*1e9 {
			return nil
		}
		var m Message
		if err := decode(k, v, &m); err != nil {
			return err
		}
		if !fn(m) {
			return nil
		}
	}
	return nil
}

func (t *txn) eachInSecond(pageID, psid string, sec uint32, fn func(Message) bool) error {
	return eachInSecond(t.msgs, pageID, psid, sec, fn)
}

// indexName keeps a conversation's name postings at its name and time:
// they move whenever the conversation does, so name hits sort by last
// activity among the message hits.
func (t *txn) indexName(e *convEntry) error {
	o, c := e.orig, e.cur
	oldSec, newSec := seconds(o.UpdatedAt), seconds(c.UpdatedAt)
	if e.existed && o.CustomerName == c.CustomerName && oldSec == newSec {
		return nil
	}
	if o.CustomerName == "" && c.CustomerName == "" {
		return nil
	}
	no, err := t.entryNo(e)
	if err != nil {
		return err
	}
	if e.existed {
		for _, term := range termSet(o.CustomerName) {
			if err := t.searchNames.Delete(postingKey(term, docKey{oldSec, no})); err != nil {
				return err
			}
		}
	}
	for _, term := range termSet(c.CustomerName) {
		if err := t.searchNames.Put(postingKey(term, docKey{newSec, no}), nil); err != nil {
			return err
		}
	}
	return nil
}
