package engine

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/price"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// ProductCard is the card a product is sent as: its picture, its title,
// its price in the shop's currency as the subtitle ("From 12.50 EUR" when
// the variants differ), and a "View" button to its page on the shop. The
// page is Shopify's onlineStoreUrl, or the shop's own domain and the
// product's handle when Shopify gave none. Texts longer than Messenger
// takes are cut with an ellipsis.
func ProductCard(p store.Product, shop store.Shop) *store.Card {
	c := &store.Card{
		Title:    cut(p.Title, facebook.MaxCardText),
		Subtitle: cut(price.From(p, shop.Currency), facebook.MaxCardText),
		ImageURL: p.ImageURL,
		URL:      productURL(p, shop),
		Button:   "View",
	}
	return c
}

func productURL(p store.Product, shop store.Shop) string {
	if p.URL != "" {
		return p.URL
	}
	domain := shop.PrimaryDomain
	if domain == "" {
		domain = shop.Domain
	}
	if domain == "" || p.Handle == "" {
		return ""
	}
	return (&url.URL{Scheme: "https", Host: domain, Path: "/products/" + p.Handle}).String()
}

// cut shortens s to at most n characters, ending it with "…" when cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
