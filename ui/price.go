package ui

import (
	"strconv"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Prices as a customer reads them. Shopify gives a decimal string in the
// shop's currency; the symbol goes where the currency's customers expect
// it for the few that have one, else the ISO code follows the amount.

var currencySymbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "BRL": "R$", "CAD": "CA$", "AUD": "A$"}

// formatPrice is amount in currency: "€89.00", "89.00 CHF".
func formatPrice(amount, currency string) string {
	amount = strings.TrimSpace(amount)
	if v, err := strconv.ParseFloat(amount, 64); err == nil {
		decimals := 2
		if currency == "JPY" {
			decimals = 0
		}
		amount = strconv.FormatFloat(v, 'f', decimals, 64)
	}
	if sym, ok := currencySymbols[currency]; ok {
		return sym + amount
	}
	return strings.TrimSpace(amount + " " + currency)
}

// productPrice is a product's price, or its range when variants differ:
// "€39.00–€59.00". "" when no variant has one.
func productPrice(p store.Product, currency string) string {
	lo, hi := "", ""
	var loV, hiV float64
	for _, v := range p.Variants {
		f, err := strconv.ParseFloat(strings.TrimSpace(v.Price), 64)
		if err != nil {
			continue
		}
		if lo == "" || f < loV {
			lo, loV = v.Price, f
		}
		if hi == "" || f > hiV {
			hi, hiV = v.Price, f
		}
	}
	switch {
	case lo == "":
		return ""
	case loV == hiV:
		return formatPrice(lo, currency)
	}
	return formatPrice(lo, currency) + "–" + formatPrice(hi, currency)
}

// productText is what "Insert" puts in a reply: the title, the price and
// the public link, on one line so it fits where the cursor is.
func productText(p store.Product, currency string) string {
	s := p.Title
	if price := productPrice(p, currency); price != "" {
		s += ", " + price
	}
	if p.URL != "" {
		s += ": " + p.URL
	}
	return s
}
