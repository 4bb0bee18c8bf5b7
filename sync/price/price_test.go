package price

import (
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

func TestFormat(t *testing.T) {
	tests := []struct{ amount, currency, want string }{
		{"89", "EUR", "€89.00"},
		{"89.5", "USD", "$89.50"},
		{"1200.00", "JPY", "¥1200"},
		{"89.00", "CHF", "89.00 CHF"},
		{"0.1", "GBP", "£0.10"},
		{"19.999", "EUR", "€20.00"},
		{"free", "EUR", "free"},
		{"12.00", "", "12.00"},
	}
	for _, tt := range tests {
		if got := Format(tt.amount, tt.currency); got != tt.want {
			t.Errorf("Format(%q, %q) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
}

func TestRangeAndFrom(t *testing.T) {
	variants := func(prices ...string) store.Product {
		var p store.Product
		for _, pr := range prices {
			p.Variants = append(p.Variants, store.Variant{Price: pr})
		}
		return p
	}
	tests := []struct {
		name      string
		p         store.Product
		rng, from string
	}{
		{"no variants", variants(), "", ""},
		{"one", variants("29.99"), "€29.99", "€29.99"},
		{"same prices", variants("29.99", "29.990"), "€29.99", "€29.99"},
		{"differ, compared as numbers", variants("9.50", "59", "12.00"), "€9.50–€59.00", "From €9.50"},
		{"one does not parse", variants("n/a", "15"), "€15.00", "€15.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Range(tt.p, "EUR"); got != tt.rng {
				t.Errorf("Range = %q, want %q", got, tt.rng)
			}
			if got := From(tt.p, "EUR"); got != tt.from {
				t.Errorf("From = %q, want %q", got, tt.from)
			}
		})
	}
}
