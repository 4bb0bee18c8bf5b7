// Package price words the shop's prices the way a customer reads them, so
// the products panel, a card sent to a customer and the command line all
// say "€89.00" for the same product.
//
// Shopify gives prices as decimal strings in the shop's currency (ISO 4217).
// A currency whose customers expect a symbol gets it before the amount; any
// other gets its code after the amount ("89.00 CHF"). A price that does not
// parse is shown as Shopify wrote it.
package price

import (
	"math/big"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// symbols are the currencies written with a symbol before the amount.
var symbols = map[string]string{
	"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹",
	"BRL": "R$", "CAD": "CA$", "AUD": "A$",
}

// noDecimals are the currencies without minor units in everyday use.
var noDecimals = map[string]bool{"JPY": true, "KRW": true}

// Format is amount in currency: "€89.00", "¥1200", "89.00 CHF".
func Format(amount, currency string) string {
	amount = strings.TrimSpace(amount)
	r, ok := new(big.Rat).SetString(amount)
	if !ok {
		return amount
	}
	decimals := 2
	if noDecimals[currency] {
		decimals = 0
	}
	amount = r.FloatString(decimals)
	if sym, ok := symbols[currency]; ok {
		return sym + amount
	}
	return strings.TrimSpace(amount + " " + currency)
}

// Range is a product's price, or its range when its variants differ:
// "€39.00", "€39.00–€59.00". "" when no variant has a price.
func Range(p store.Product, currency string) string {
	lo, hi, ok := bounds(p)
	if !ok {
		return ""
	}
	s := Format(lo.FloatString(2), currency)
	if lo.Cmp(hi) != 0 {
		s += "–" + Format(hi.FloatString(2), currency)
	}
	return s
}

// From is a product's price as a card's subtitle gives it to a customer:
// "€39.00", or "From €39.00" when its variants differ. "" when no variant
// has a price.
func From(p store.Product, currency string) string {
	lo, hi, ok := bounds(p)
	if !ok {
		return ""
	}
	s := Format(lo.FloatString(2), currency)
	if lo.Cmp(hi) != 0 {
		s = "From " + s
	}
	return s
}

// bounds are the lowest and highest variant prices that parse.
func bounds(p store.Product) (lo, hi *big.Rat, ok bool) {
	for _, v := range p.Variants {
		r, parsed := new(big.Rat).SetString(strings.TrimSpace(v.Price))
		if !parsed {
			continue
		}
		if lo == nil || r.Cmp(lo) < 0 {
			lo = r
		}
		if hi == nil || r.Cmp(hi) > 0 {
			hi = r
		}
	}
	return lo, hi, lo != nil
}
