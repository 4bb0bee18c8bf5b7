package main

import (
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// build indexes docs in a new bleve index at path.
func build(path string, ids []string, docs []doc, batch int) error {
	idx, err := bleve.New(path, indexMapping())
	if err != nil {
		return err
	}
	start := time.Now()
	for lo := 0; lo < len(docs); lo += batch {
		b := idx.NewBatch()
		for i := lo; i < min(lo+batch, len(docs)); i++ {
			if err := b.Index(ids[i], docs[i]); err != nil {
				return err
			}
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
	}
	if err := idx.Close(); err != nil { // waits for the segments to be persisted and merged
		return err
	}
	took := time.Since(start)
	fmt.Printf("bleve: indexed %d documents in batches of %d in %v: %.1f µs per document (persisted)\n",
		len(docs), batch, took.Round(time.Millisecond), float64(took.Microseconds())/float64(len(docs)))
	return nil
}

// indexMapping folds like the store: ASCII folding (Lucene's), Unicode
// word boundaries, lower case. Only what a search needs is kept: no
// stored fields, no term vectors, doc values for the time.
func indexMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	err := im.AddCustomAnalyzer("folded", map[string]any{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	})
	if err != nil {
		log.Fatal(err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = "folded"
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false
	text.DocValues = false
	t := bleve.NewNumericFieldMapping()
	t.Store = false
	t.IncludeInAll = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	dm.AddFieldMappingsAt("name", text)
	dm.AddFieldMappingsAt("t", t)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = "folded"
	return im
}

// bleveQuery is q over messages' text or customers' names.
func bleveQuery(q cmpQuery) query.Query {
	field := func(f string) query.Query {
		var parts []query.Query
		for _, w := range q.words {
			tq := bleve.NewTermQuery(w)
			tq.SetField(f)
			parts = append(parts, tq)
		}
		if q.prefix != "" {
			pq := bleve.NewPrefixQuery(q.prefix)
			pq.SetField(f)
			parts = append(parts, pq)
		}
		return bleve.NewConjunctionQuery(parts...)
	}
	return bleve.NewDisjunctionQuery(field("text"), field("name"))
}

// incremental times what a live inbox asks of the index once it holds
// the history: one message (a webhook), and a batch (a poll).
func incremental(idx bleve.Index, batch, runs int) error {
	for _, n := range []int{1, batch} {
		var times []time.Duration
		for r := range runs {
			b := idx.NewBatch()
			for i := range n {
				// Words and a time (1990) that no query's first hits contain.
				d := doc{Text: "incremental entry from a webhook or a poll", T: float64(631152000 + r*batch + i)}
				if err := b.Index(fmt.Sprintf("new_%d_%d_%d", n, r, i), d); err != nil {
					return err
				}
			}
			start := time.Now()
			if err := idx.Batch(b); err != nil {
				return err
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		p50 := times[len(times)/2]
		fmt.Printf("bleve: a batch of %d into the full index: p50 %v (%.1f µs per document; not yet persisted when Batch returns)\n",
			n, p50, float64(p50.Microseconds())/float64(n))
	}
	return nil
}
