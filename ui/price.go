package ui

import (
	"github.com/merchant-inbox/merchant-inbox/sync/price"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// productText is what "Insert" puts in a reply: the title, the price and
// the public link, on one line so it fits where the cursor is.
func productText(p store.Product, currency string) string {
	s := p.Title
	if pr := price.Range(p, currency); pr != "" {
		s += ", " + pr
	}
	if p.URL != "" {
		s += ": " + p.URL
	}
	return s
}
