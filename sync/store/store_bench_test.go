package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

func BenchmarkConversationsRecent50(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cs, err := s.Conversations(ctx, "", 50)
		if err != nil || len(cs) != 50 {
			b.Fatal(len(cs), err)
		}
	}
}

// BenchmarkConversationsPage reads one page of 50 of the merged inbox:
// the first, and the 1,001st (50,000 conversations down).
func BenchmarkConversationsPage(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	deep := ""
	for range 1000 {
		l, err := s.ConversationsPage(ctx, ConversationQuery{After: deep})
		if err != nil {
			b.Fatal(err)
		}
		deep = l.Next
	}
	for _, tc := range []struct{ name, after string }{{"first", ""}, {"page1001", deep}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := s.ConversationsPage(ctx, ConversationQuery{After: tc.after, Limit: 50})
				if err != nil || len(l.Items) != 50 || l.Next == "" {
					b.Fatal(len(l.Items), err)
				}
			}
		})
	}
}

func BenchmarkMessagesLatest50(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	page, psid := fixtureConv(hotConv)
	b.ReportAllocs()
	for b.Loop() {
		ms, err := s.Messages(ctx, page, psid, 50)
		if err != nil || len(ms) != 50 {
			b.Fatal(len(ms), err)
		}
	}
}

// BenchmarkMessagesPage opens the 5,000-message thread (its latest 50)
// and loads an older page 4,000 messages up.
func BenchmarkMessagesPage(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	page, psid := fixtureConv(hotConv)
	older := ""
	for range 80 {
		l, err := s.MessagesPage(ctx, page, psid, older, 50)
		if err != nil {
			b.Fatal(err)
		}
		older = l.Older
	}
	for _, tc := range []struct{ name, before string }{{"latest", ""}, {"older4000", older}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := s.MessagesPage(ctx, page, psid, tc.before, 50)
				if err != nil || len(l.Items) != 50 || l.Older == "" {
					b.Fatal(len(l.Items), err)
				}
			}
		})
	}
}

// searchQueries are what the search benchmarks (and the comparison in
// bench/searchcmp) ask: common and rare words, accents, two words,
// prefixes as typed, customer names, and a word that is nowhere.
func searchQueries() []struct{ Name, Text string } {
	rare := newCorpus(fixtureSeed).vocab[len(commonWords)+2000]
	return []struct{ Name, Text string }{
		{"common", "hello "},
		{"accent", "cafe "},
		{"two_words", "livraison demain "},
		{"prefix1", "d"},
		{"prefix3", "liv"},
		{"name", "zoe"},
		{"rare", rare + " "},
		{"none", "xyzzy "},
	}
}

// BenchmarkSearch is the search box: the first 50 hits, newest first.
func BenchmarkSearch(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	for _, q := range searchQueries() {
		b.Run(q.Name, func(b *testing.B) {
			b.ReportAllocs()
			var hits int
			for b.Loop() {
				r, err := s.Search(ctx, SearchQuery{Text: q.Text, Limit: 50})
				if err != nil {
					b.Fatal(err)
				}
				hits = len(r.Hits)
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

func BenchmarkFindConversation(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	for _, by := range []string{"graphID", "psid"} {
		b.Run(by, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i = (i + 7919) % fixtureConvs
				_, ref := fixtureConv(i)
				if by == "graphID" {
					ref = fmt.Sprintf("t_%d", 9e15+i)
				}
				if _, err := s.FindConversation(ctx, ref); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchMessage is a new message in an existing fixture conversation.
func benchMessage() Changes {
	n := int(benchSeq.Add(1))
	page, psid := fixtureConv(n % fixtureConvs)
	return Changes{Messages: []Message{{ID: fmt.Sprintf("m_bench_%s_%d", benchRun, n), PageID: page, PSID: psid,
		Direction: Incoming, CreatedAt: time.Now(), Text: "new message"}}}
}

// BenchmarkApplyMessage is one webhook message per Apply, one caller:
// a commit and an fsync each.
func BenchmarkApplyMessage(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apply(ctx, benchMessage()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyParallel is a burst of webhook POSTs, 64 concurrent
// callers: group commit folds them into shared transactions, so ns/op falls well
// below one fsync.
func BenchmarkApplyParallel(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	b.SetParallelism(64)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Apply(ctx, benchMessage()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkIndexWrite is the search index's own write cost: the postings
// of 1,000 fixture-like messages per transaction (as a poll writes them),
// commit and fsync included, into the 1M-message index. The messages
// themselves are not written, and their times lie in 1990, below every
// hit the search benchmarks read. ns/msg is per message.
func BenchmarkIndexWrite(b *testing.B) {
	s := openFixture(b)
	text := newCorpus(fixtureSeed + 1)
	const batch = 1000
	texts := make([]string, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for i := range texts {
			texts[i] = text.text()
		}
		n := int(benchSeq.Add(1))
		page, psid := fixtureConv(n % fixtureConvs)
		at := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
		b.StartTimer()
		err := s.write(func(t *txn) error {
			no, err := t.convNo(convKey(page, psid))
			if err != nil {
				return err
			}
			for i, txt := range texts {
				d := docKey{seconds(at.Add(time.Duration(i) * time.Second)), no}
				for _, term := range termSet(txt) {
					if err := t.searchMsgs.Put(postingKey(term, d), nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/msg")
}

// BenchmarkUpgradeFromV1 opens a copy of the fixture made to look like a
// schema 1 file (no read markers, no search index): the time Open takes
// to migrate 100,000 conversations, then the time the background build
// takes to index 1,000,000 messages. Run it with -benchtime 1x.
func BenchmarkUpgradeFromV1(b *testing.B) {
	s := openFixture(b)
	if b.N > 1 {
		b.Skip("one upgrade takes minutes; run with -benchtime 1x")
	}
	b.StopTimer()
	path := filepath.Join(b.TempDir(), "v1.db")
	if err := copyFile(s.Path(), path); err != nil {
		b.Fatal(err)
	}
	old, err := Open(path, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	dropIndex(b, old)
	if err := old.db.Update(func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSchema), 1)
	}); err != nil {
		b.Fatal(err)
	}
	if err := old.Close(); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	start := time.Now()
	up, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	migrated := time.Since(start)
	up.bg.Wait()
	indexed := time.Since(start) - migrated
	b.StopTimer()
	if up.indexing.Load() {
		b.Fatal("index build did not finish")
	}
	if err := up.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(migrated.Seconds(), "migrate-s")
	b.ReportMetric(indexed.Seconds(), "index-s")
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
