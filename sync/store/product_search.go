package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// The products panel searches the catalogue as the merchant types, so a
// query must answer in a few milliseconds over tens of thousands of
// products. product_search holds one small entry per product, in the
// order the panel lists them (active products first, then drafts, then
// archived, each by title), whose value is the product's folded words:
// a query walks the entries in order, tests each value without decoding
// anything, and stops once it has limit matches. Only the matches' records
// are read.

// productSearchKey is a product's place in the panel's order: its status
// rank, then titleKey.
func productSearchKey(p Product) []byte {
	return append([]byte{statusRank(p.Status)}, titleKey(p.Title, p.ID)...)
}

// statusRank orders the panel: what can be sold before what cannot.
func statusRank(status string) byte {
	switch status {
	case "ACTIVE":
		return '0'
	case "DRAFT":
		return '1'
	case "ARCHIVED":
		return '2'
	}
	return '3'
}

// productWords is what a search matches of a product: the folded words
// of its title, handle, vendor and SKUs, each preceded by a space (so a
// query word never matches across two words).
func productWords(p Product) []byte {
	texts := []string{p.Title, p.Handle, p.Vendor}
	for _, v := range p.Variants {
		texts = append(texts, v.SKU)
	}
	var b bytes.Buffer
	for _, w := range termSet(strings.Join(texts, " ")) {
		b.WriteByte(' ')
		b.WriteString(w)
	}
	return b.Bytes()
}

// SearchProducts returns the products whose title, handle, vendor or a
// variant's SKU hold every word of query inside one of their words,
// folded as the message search folds: "cafe" finds "Café", "blue mug"
// finds "Mug, Blue", "1234" finds SKU "MUG-1234". Active products come first, then
// drafts, then archived ones, each sorted by title. An empty query lists
// the catalogue in that order. limit <= 0 returns every match.
//
// The cost is one pass over the index entries up to the limit-th match
// (every entry when there are fewer matches), plus decoding the matches.
func (s *Store) SearchProducts(ctx context.Context, query string, limit int) ([]Product, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: search products: %w", err)
	}
	words := appendTerms(nil, query)
	needles := make([][]byte, len(words))
	for i, w := range words {
		needles[i] = []byte(w)
	}
	var out []Product
	err := s.view(func(b buckets) error {
		c := b.productSearch.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !containsAll(v, needles) {
				continue
			}
			id, ok := titleKeyID(k)
			if !ok {
				continue
			}
			var p Product
			if err := getOrNotFound(b.products, []byte(id), &p); err != nil {
				return fmt.Errorf("product search entry %q: %w", id, err)
			}
			out = append(out, p)
			if limit > 0 && len(out) == limit {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: search products %q: %w", query, err)
	}
	return out, nil
}

func containsAll(haystack []byte, needles [][]byte) bool {
	for _, n := range needles {
		if !bytes.Contains(haystack, n) {
			return false
		}
	}
	return true
}
