// Command searchcmp measures bleve against the store's own search index on
// the same database, to choose between them (see docs/benchmarks.md). It
// is a module of its own so that the product never depends on bleve.
//
//	cd bench/searchcmp && go run . -db /path/to/benchmark/inbox.db
//
// The database is the store benchmarks' fixture (build it with
// MERCHANT_INBOX_BENCH_DB=/path/to/benchmark/inbox.db go test ./sync/store
// -run '^$' -bench ConversationsRecent50). searchcmp reads every message
// and customer name from it through the store's API, indexes them in
// bleve with an analyzer that folds case and accents like the store does,
// then runs the same queries against both: the first 50 hits, newest
// first, names and message texts together.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// doc is what bleve indexes: a message's text or a customer's name, and
// the time hits sort by.
type doc struct {
	Text string  `json:"text,omitempty"`
	Name string  `json:"name,omitempty"`
	T    float64 `json:"t"`
}

// cmpQuery is one query in both forms: the search box text for the store,
// and its folded words for bleve (the last one a prefix when prefix).
type cmpQuery struct {
	name, text string
	words      []string
	prefix     string
}

// queries are the store benchmarks' searchQueries (sync/store): "bogaé"
// is the fixture's rare word, the 2,000th of its long tail.
var queries = []cmpQuery{
	{"common", "hello ", []string{"hello"}, ""},
	{"accent", "cafe ", []string{"cafe"}, ""},
	{"two_words", "livraison demain ", []string{"livraison", "demain"}, ""},
	{"prefix1", "d", nil, "d"},
	{"prefix3", "liv", nil, "liv"},
	{"name", "zoe", nil, "zoe"},
	{"rare", "bogaé ", []string{"bogae"}, ""},
	{"none", "xyzzy ", []string{"xyzzy"}, ""},
}

func main() {
	dbPath := flag.String("db", "", "the store benchmarks' fixture `file`")
	dir := flag.String("dir", "", "where to build the bleve index (default: a temporary directory, removed after)")
	batch := flag.Int("batch", 1000, "documents per bleve batch")
	runs := flag.Int("runs", 30, "timed runs of each query")
	flag.Parse()
	if *dbPath == "" {
		log.Fatal("-db is required")
	}
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "searchcmp-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	if err := run(context.Background(), *dbPath, filepath.Join(*dir, "bleve"), *batch, *runs); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, dbPath, indexPath string, batch, runs int) error {
	st, err := store.Open(dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	ids, docs, err := readAll(ctx, st)
	if err != nil {
		return err
	}
	fmt.Printf("read %d documents from the store in %v\n", len(docs), time.Since(start).Round(time.Millisecond))

	if _, err := os.Stat(indexPath); err == nil {
		fmt.Printf("bleve: reusing the index in %s\n", indexPath)
	} else if err := build(indexPath, ids, docs, batch); err != nil {
		return err
	}
	size, err := dirSize(indexPath)
	if err != nil {
		return err
	}
	fmt.Printf("bleve: index on disk %.0f MB\n", float64(size)/1e6)

	idx, err := bleve.Open(indexPath)
	if err != nil {
		return err
	}
	defer idx.Close()
	if err := incremental(idx, batch, runs); err != nil {
		return err
	}

	fmt.Printf("\n%-10s %12s %12s %8s %8s %8s\n", "query", "store p50", "bleve p50", "store", "bleve", "same")
	for _, q := range queries {
		var sIDs []string
		sHits, sTime, err := timeIt(runs, func() (int, error) {
			r, err := st.Search(ctx, store.SearchQuery{Text: q.text, Limit: 50})
			sIDs = sIDs[:0]
			for _, h := range r.Hits {
				if h.Message != nil {
					sIDs = append(sIDs, h.Message.ID)
				} else {
					sIDs = append(sIDs, "c/"+h.Conversation.PageID+"/"+h.Conversation.PSID)
				}
			}
			return len(r.Hits), err
		})
		if err != nil {
			return err
		}
		req := bleve.NewSearchRequestOptions(bleveQuery(q), 50, 0, false)
		req.SortBy([]string{"-t"})
		var total uint64
		bIDs := map[string]bool{}
		bHits, bTime, err := timeIt(runs, func() (int, error) {
			r, err := idx.Search(req)
			if err != nil {
				return 0, err
			}
			total = r.Total
			clear(bIDs)
			for _, h := range r.Hits {
				bIDs[h.ID] = true
			}
			return len(r.Hits), nil
		})
		if err != nil {
			return err
		}
		same := 0
		for _, id := range sIDs {
			if bIDs[id] {
				same++
			}
		}
		fmt.Printf("%-10s %12v %12v %8d %8d %8d  (bleve: %d matches in all)\n", q.name, sTime, bTime, sHits, bHits, same, total)
	}
	return nil
}

// readAll reads every conversation's customer name and every message.
func readAll(ctx context.Context, st *store.Store) (ids []string, docs []doc, err error) {
	convs, err := st.Conversations(ctx, "", 0)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range convs {
		if c.CustomerName != "" {
			ids = append(ids, "c/"+c.PageID+"/"+c.PSID)
			docs = append(docs, doc{Name: c.CustomerName, T: float64(c.UpdatedAt.Unix())})
		}
		msgs, err := st.Messages(ctx, c.PageID, c.PSID, 0)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range msgs {
			ids = append(ids, m.ID)
			docs = append(docs, doc{Text: m.Text, T: float64(m.CreatedAt.Unix())})
		}
	}
	return ids, docs, nil
}

// timeIt runs fn once to warm up, then runs times, and returns the
// median time and the last hit count.
func timeIt(runs int, fn func() (int, error)) (int, time.Duration, error) {
	if _, err := fn(); err != nil {
		return 0, 0, err
	}
	var hits int
	times := make([]time.Duration, 0, runs)
	for range runs {
		start := time.Now()
		n, err := fn()
		if err != nil {
			return 0, 0, err
		}
		times = append(times, time.Since(start))
		hits = n
	}
	slices.Sort(times)
	return hits, times[len(times)/2].Round(10 * time.Microsecond), nil
}

func dirSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			size += fi.Size()
		}
		return err
	})
	return size, err
}
