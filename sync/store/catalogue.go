package store

import (
	"context"
	"fmt"
	"strings"
)

// Products lists the catalogue sorted by title (case-insensitively),
// then by ID; limit <= 0 returns all of it.
//
// query, when not blank, keeps the products whose title, handle or any
// variant SKU contains it, case-insensitively. The listing walks the
// product_titles index, which is already in this order, so nothing is
// sorted in memory and an unfiltered page of limit products costs limit
// reads. A filtered listing decodes products in order until it has limit
// matches, up to the whole catalogue when few match: a shop has thousands
// of products, not millions, and a scan of that size is cheaper to keep
// right than a text index.
func (s *Store) Products(ctx context.Context, query string, limit int) ([]Product, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: products %q: %w", query, err)
	}
	q := strings.ToLower(strings.TrimSpace(query))
	var ps []Product
	err := s.view(func(b buckets) error {
		c := b.productTitles.Cursor()
		for k, _ := c.First(); k != nil && (limit <= 0 || len(ps) < limit); k, _ = c.Next() {
			id, ok := titleKeyID(k)
			if !ok {
				return fmt.Errorf("title index key %q has no product id", k)
			}
			var p Product
			if err := getOrNotFound(b.products, []byte(id), &p); err != nil {
				return fmt.Errorf("title index entry %s: %w", id, err)
			}
			if q == "" || p.matches(q) {
				ps = append(ps, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: products %q: %w", query, err)
	}
	return ps, nil
}

// matches reports whether q (lower-case) occurs in p's title, handle or
// a variant's SKU, ignoring case.
func (p Product) matches(q string) bool {
	if strings.Contains(strings.ToLower(p.Title), q) || strings.Contains(strings.ToLower(p.Handle), q) {
		return true
	}
	for _, v := range p.Variants {
		if strings.Contains(strings.ToLower(v.SKU), q) {
			return true
		}
	}
	return false
}

// Product returns one product, or ErrNotFound (also for a deleted one).
func (s *Store) Product(ctx context.Context, id string) (Product, error) {
	if err := ctx.Err(); err != nil {
		return Product{}, fmt.Errorf("store: product %s: %w", id, err)
	}
	if !validID(id) {
		return Product{}, fmt.Errorf("store: product %q: %w", id, ErrNotFound)
	}
	var p Product
	err := s.view(func(b buckets) error {
		return getOrNotFound(b.products, []byte(id), &p)
	})
	if err != nil {
		return Product{}, fmt.Errorf("store: product %s: %w", id, err)
	}
	return p, nil
}
