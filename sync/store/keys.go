package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"strings"
	"time"
)

// Key layout. bbolt keeps keys in byte order and lets a cursor Seek to any
// prefix, so every listing the UI needs is laid out as one contiguous,
// already-sorted key range: reads touch only the entries they return and
// never load or scan the whole database.
//
//	pages      pageID                                  -> Page
//	convs      pageID 0 psid                           -> Conversation
//	conv_ids   graphConversationID                     -> pageID 0 psid
//	recent     pageID 0 stamp(UpdatedAt) 0 psid        -> (empty)
//	msgs       pageID 0 psid 0 stamp(CreatedAt) mid    -> Message
//	mids       mid                                     -> msgs key
//	reactions  mid                                     -> Reaction (pending)
//	sync       pageID                                  -> SyncState
//	meta       "schema" | "stats" | "last_full_poll"   -> JSON
//	           "search"                                -> index build state
//	           "migrate_from"                          -> convs key
//
// What the merchant connected, and the Shopify side:
//
//	connections         provider                       -> Connection
//	shop                myshopifyDomain                -> Shop (at most one)
//	products            productID                      -> Product
//	product_titles      titleKey(Title) 0 productID    -> (empty)
//	product_tombs       productID                      -> deletion time
//	shopify_hooks       webhookID                      -> time first seen
//	shopify_hook_times  stamp(seen) webhookID          -> (empty)
//	product_search      statusRank titleKey(Title)     -> folded words (see productWords)
//
// The merchant's unsent replies:
//
//	drafts              pageID 0 psid                  -> Draft
//
// The search index (see index.go and search.go) lists, for every folded
// word, the messages and customer names holding it, newest last, so a
// query reads each word's list backwards from its end:
//
//	search_msgs   term 0 be32(seconds(CreatedAt)) be32(convNo)  -> (empty)
//	search_names  term 0 be32(seconds(UpdatedAt)) be32(convNo)  -> (empty)
//	conv_nos      pageID 0 psid                                 -> be32(convNo)
//	conv_keys     be32(convNo)                                  -> pageID 0 psid
//
// A conversation number (4 bytes) stands in for pageID 0 psid (~35) in
// the millions of postings; a posting names a conversation and a second,
// and the message is found under that second in the conversation's range.
//
// product_titles lists the catalogue in display order (see titleKey);
// shopify_hook_times lets the dedupe record be pruned oldest first
// without reading the ids that stay.
//
// IDs never contain sep (validate rejects them), so "page 0" is never a
// prefix of another page's range and a psid can be cut out of a recent key
// at a fixed offset.
const sep = 0x00

// stampLen is the width of an encoded timestamp in a key.
const stampLen = 8

// Bucket names. They are constants, not []byte vars, so the package has no
// mutable globals; the conversion at each use does not allocate.
const (
	bucketMeta      = "meta"
	bucketPages     = "pages"
	bucketConvs     = "convs"
	bucketConvIDs   = "conv_ids"
	bucketRecent    = "recent"
	bucketMsgs      = "msgs"
	bucketMids      = "mids"
	bucketReactions = "reactions"
	bucketSync      = "sync"

	bucketSearchMsgs  = "search_msgs"
	bucketSearchNames = "search_names"
	bucketConvNos     = "conv_nos"
	bucketConvKeys    = "conv_keys"

	bucketConns            = "connections"
	bucketShop             = "shop"
	bucketProducts         = "products"
	bucketProductTitles    = "product_titles"
	bucketProductTombs     = "product_tombs"
	bucketShopifyHooks     = "shopify_hooks"
	bucketShopifyHookTimes = "shopify_hook_times"

	bucketDrafts        = "drafts"
	bucketProductSearch = "product_search"
)

// Keys in the meta bucket.
const (
	metaSchema       = "schema"
	metaStats        = "stats"
	metaLastFullPoll = "last_full_poll"
	metaSettings     = "settings"
	metaSearch       = "search"
	// metaMigrateFrom is the last record an interrupted migration
	// rewrote; it exists only while one is under way.
	metaMigrateFrom = "migrate_from"
)

// stamp maps a time onto a uint64 whose big-endian bytes sort like the
// time. Times before 1970 (including the zero time, e.g. a conversation
// only known from a receipt) sort first; times past 2262, where UnixNano
// overflows, sort last.
func stamp(t time.Time) uint64 {
	switch s := t.Unix(); {
	case s < 0:
		return 0
	case s >= math.MaxInt64/int64(time.Second):
		return math.MaxUint64
	}
	return uint64(t.UnixNano())
}

// convKey is pageID 0 psid: the key of a conversation, and (plus sep) the
// prefix of its messages.
func convKey(pageID, psid string) []byte {
	k := make([]byte, 0, len(pageID)+1+len(psid)+1+stampLen+32)
	k = append(k, pageID...)
	k = append(k, sep)
	return append(k, psid...)
}

// msgPrefix is the prefix shared by every message of one conversation.
func msgPrefix(pageID, psid string) []byte {
	return append(convKey(pageID, psid), sep)
}

// msgKey orders a conversation's messages by creation time; the mid makes
// the key unique when two messages share a timestamp.
func msgKey(pageID, psid string, created time.Time, mid string) []byte {
	k := binary.BigEndian.AppendUint64(msgPrefix(pageID, psid), stamp(created))
	return append(k, mid...)
}

// recentPrefix is the prefix of one page's recency index.
func recentPrefix(pageID string) []byte {
	k := make([]byte, 0, len(pageID)+1+stampLen+1+32)
	k = append(k, pageID...)
	return append(k, sep)
}

// recentKey orders a page's conversations by last activity.
func recentKey(pageID string, updated time.Time, psid string) []byte {
	return recentKeyAt(pageID, stamp(updated), psid)
}

// recentKeyAt is recentKey for a stamp already encoded. With psid ""
// it sorts before every entry of that stamp and after every older one.
func recentKeyAt(pageID string, ts uint64, psid string) []byte {
	k := binary.BigEndian.AppendUint64(recentPrefix(pageID), ts)
	k = append(k, sep)
	return append(k, psid...)
}

// splitRecentKey returns the stamp and psid of a key that starts with
// prefix (a recentPrefix).
func splitRecentKey(prefix, k []byte) (ts uint64, psid string, ok bool) {
	if len(k) < len(prefix)+stampLen+1 {
		return 0, "", false
	}
	ts = binary.BigEndian.Uint64(k[len(prefix):])
	return ts, string(k[len(prefix)+stampLen+1:]), true
}

// prefixEnd is the smallest key greater than every key starting with
// prefix. Every prefix here ends in sep (0x00), so bumping the last byte
// never carries.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	end[len(end)-1]++
	return end
}

// maxTitleKey bounds the title part of a product_titles key. Shopify
// titles are at most 255 characters (1020 bytes), so this never cuts a
// real one; it keeps a hostile one far from bbolt's 32 KiB key limit.
const maxTitleKey = 1024

// titleKey orders the catalogue as Products lists it: by title, case
// folded, then by id. NUL bytes are dropped from the title so sep still
// ends it, which is what makes a title sort before every longer title it
// is a prefix of ("Mug" before "Mug XL"), and lets the id be cut out after
// the last sep.
func titleKey(title, id string) []byte {
	t := strings.ReplaceAll(strings.ToLower(title), "\x00", "")
	if len(t) > maxTitleKey {
		t = t[:maxTitleKey]
	}
	k := make([]byte, 0, len(t)+1+len(id))
	k = append(k, t...)
	k = append(k, sep)
	return append(k, id...)
}

// titleKeyID returns the product id of a product_titles key.
func titleKeyID(k []byte) (string, bool) {
	i := bytes.LastIndexByte(k, sep)
	if i < 0 {
		return "", false
	}
	return string(k[i+1:]), true
}

// hookTimeKey orders seen webhook ids by the time they were seen. The
// stamp has a fixed width, so no separator is needed before the id.
func hookTimeKey(seen time.Time, webhookID string) []byte {
	k := make([]byte, 0, stampLen+len(webhookID))
	k = binary.BigEndian.AppendUint64(k, stamp(seen))
	return append(k, webhookID...)
}

// docKey is a search posting's target: a conversation and a second. It
// orders postings by time, and ties by conversation number.
type docKey struct {
	sec  uint32
	conv uint32
}

const docKeyLen = 8

func (d docKey) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, d.sec)
	return binary.BigEndian.AppendUint32(b, d.conv)
}

func (d docKey) compare(e docKey) int {
	if c := cmp.Compare(d.sec, e.sec); c != 0 {
		return c
	}
	return cmp.Compare(d.conv, e.conv)
}

// prev is the greatest docKey below d; ok is false at the very first.
func (d docKey) prev() (docKey, bool) {
	switch {
	case d.conv > 0:
		return docKey{d.sec, d.conv - 1}, true
	case d.sec > 0:
		return docKey{d.sec - 1, math.MaxUint32}, true
	}
	return docKey{}, false
}

// seconds is a time in whole seconds for a search posting: Graph's own
// precision, and half the bytes of a stamp.
func seconds(t time.Time) uint32 {
	return uint32(min(stamp(t)/uint64(time.Second), math.MaxUint32))
}

// termPrefix is the prefix of one term's postings.
func termPrefix(term string) []byte {
	k := make([]byte, 0, len(term)+1+docKeyLen)
	k = append(k, term...)
	return append(k, sep)
}

// postingKey is one posting: term 0 docKey.
func postingKey(term string, d docKey) []byte {
	return d.appendTo(termPrefix(term))
}

// postingDoc returns the docKey at the end of a posting key.
func postingDoc(k []byte) (docKey, bool) {
	if len(k) < 1+docKeyLen || k[len(k)-docKeyLen-1] != sep {
		return docKey{}, false
	}
	d := k[len(k)-docKeyLen:]
	return docKey{binary.BigEndian.Uint32(d), binary.BigEndian.Uint32(d[4:])}, true
}

// postingTerm returns the term of a posting key.
func postingTerm(k []byte) []byte { return k[:max(len(k)-docKeyLen-1, 0)] }

func convNoKey(no uint32) []byte { return binary.BigEndian.AppendUint32(nil, no) }
