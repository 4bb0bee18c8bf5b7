package store

import (
	"bytes"
	"container/heap"
	"math"

	bbolt "go.etcd.io/bbolt"
)

// Posting lists are read newest first. Every list supports one operation,
// seek: move to the newest posting at or below a docKey, never upwards.
// Walking a list is seeking just below the last posting; intersecting
// lists is seeking each to the newest posting all agree on (leapfrog),
// which skips the long lists of common words in a few tree descents.

// postings is one word's list, or the union of the words a prefix
// stands for.
type postings interface {
	seek(d docKey) (docKey, bool)
}

// topDoc is above every posting: where a walk from the newest starts.
var topDoc = docKey{math.MaxUint32, math.MaxUint32}

// termList is one word's postings.
type termList struct {
	b      *bbolt.Bucket
	prefix []byte // termPrefix(term)
	c      *bbolt.Cursor
	at     docKey // where c is, when on is set
	on     bool
}

func newTermList(b *bbolt.Bucket, term string) *termList {
	return &termList{b: b, prefix: termPrefix(term)}
}

func (l *termList) seek(d docKey) (docKey, bool) {
	if l.on && l.at.compare(d) <= 0 {
		return l.at, true
	}
	if l.c == nil {
		l.c = l.b.Cursor()
	} else if l.on {
		// The walk's usual step is to the posting just below: try one
		// step back before a descent from the root.
		if k, _ := l.c.Prev(); k != nil && bytes.HasPrefix(k, l.prefix) {
			if at, ok := postingDoc(k); ok && at.compare(d) <= 0 {
				l.at = at
				return at, true
			}
		} else {
			l.on = false
			return docKey{}, false
		}
	}
	target := d.appendTo(l.prefix[:len(l.prefix):len(l.prefix)])
	k, _ := l.c.Seek(target)
	if k == nil {
		k, _ = l.c.Last()
	} else if !bytes.Equal(k, target) {
		k, _ = l.c.Prev()
	}
	l.on = false
	if k == nil || !bytes.HasPrefix(k, l.prefix) {
		return docKey{}, false
	}
	at, ok := postingDoc(k)
	l.at, l.on = at, ok
	return at, ok
}

// union is the postings of every word that starts with a prefix, merged:
// a max-heap of the words' lists keyed by their current posting.
type union struct {
	heads unionHeap
}

type unionHead struct {
	at   docKey
	list *termList
}

type unionHeap []unionHead

func (h unionHeap) Len() int           { return len(h) }
func (h unionHeap) Less(i, j int) bool { return h[i].at.compare(h[j].at) > 0 }
func (h unionHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *unionHeap) Push(x any)        { *h = append(*h, x.(unionHead)) }
func (h *unionHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// newUnion lists the words of b that start with prefix, each with its
// newest posting: one descent per word, found by jumping from each word's
// range to the next. It gives up (ok false) past maxWords words, for the
// caller to plan without it.
func newUnion(b *bbolt.Bucket, prefix string, maxWords int) (u *union, ok bool) {
	u = &union{}
	c := b.Cursor()
	p := []byte(prefix)
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); {
		if maxWords > 0 && len(u.heads) == maxWords {
			return nil, false
		}
		term := string(postingTerm(k))
		next, _ := c.Seek(prefixEnd(termPrefix(term)))
		var last []byte
		if next == nil {
			last, _ = c.Last()
		} else {
			last, _ = c.Prev()
		}
		if at, ok := postingDoc(last); ok {
			u.heads = append(u.heads, unionHead{at, newTermList(b, term)})
		}
		if next == nil {
			break
		}
		k = next
	}
	heap.Init(&u.heads)
	return u, true
}

func (u *union) seek(d docKey) (docKey, bool) {
	for len(u.heads) > 0 && u.heads[0].at.compare(d) > 0 {
		top := &u.heads[0]
		if at, ok := top.list.seek(d); ok {
			top.at = at
			heap.Fix(&u.heads, 0)
		} else {
			heap.Pop(&u.heads)
		}
	}
	if len(u.heads) == 0 {
		return docKey{}, false
	}
	return u.heads[0].at, true
}

// intersect returns the newest posting at or below d that every list
// holds.
func intersect(lists []postings, d docKey) (docKey, bool) {
	for {
		agreed := true
		for _, l := range lists {
			at, ok := l.seek(d)
			if !ok {
				return docKey{}, false
			}
			if at.compare(d) < 0 {
				d, agreed = at, false
				break
			}
		}
		if agreed {
			return d, true
		}
	}
}
