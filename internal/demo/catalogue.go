package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// glaze is a colour a piece comes in; its picture is drawn in it.
type glaze struct {
	name     string
	rgb      [3]uint8
	backdrop [3]uint8 // the tile behind the piece
}

var glazes = []glaze{
	{"Sea Salt", [3]uint8{0xe9, 0xe4, 0xd8}, [3]uint8{0x8f, 0xa8, 0xb8}},
	{"Midnight", [3]uint8{0x24, 0x32, 0x5a}, [3]uint8{0xe8, 0xd9, 0xc0}},
	{"Terracotta", [3]uint8{0xc0, 0x62, 0x3e}, [3]uint8{0xf2, 0xe6, 0xd6}},
	{"Sage", [3]uint8{0x8a, 0xa2, 0x82}, [3]uint8{0xf4, 0xef, 0xe4}},
	{"Honey", [3]uint8{0xd9, 0xa4, 0x41}, [3]uint8{0x3d, 0x4a, 0x5c}},
}

// kind is a type of piece: its name, its silhouette in pictures, its price.
type kind struct {
	name  string
	shape shape
	price int // euros
}

var kinds = []kind{
	{"Speckled Mug", shapeMug, 24}, {"Moon Mug", shapeMug, 26}, {"Tall Latte Mug", shapeMug, 28},
	{"Espresso Cups, set of 2", shapeCups, 30}, {"Ramen Bowl", shapeBowl, 34}, {"Breakfast Bowl", shapeBowl, 22},
	{"Serving Bowl", shapeBowl, 58}, {"Matcha Bowl", shapeBowl, 38}, {"Dinner Plate", shapePlate, 29},
	{"Side Plate", shapePlate, 21}, {"Pasta Plate", shapePlate, 27}, {"Bud Vase", shapeVase, 19},
	{"Amphora Vase", shapeVase, 64}, {"Tall Vase", shapeVase, 72}, {"Teapot", shapeTeapot, 85},
	{"Milk Jug", shapeJug, 32}, {"Candle Holder", shapeCandle, 18}, {"Planter", shapePlanter, 36},
	{"Soap Dish", shapePlate, 16}, {"Butter Dish", shapeBowl, 42},
}

// product is a piece of the catalogue and where its picture is.
type product struct {
	title, handle string
	kind          kind
	glaze         glaze
	price         string
	stock         int
	updated       time.Time
}

// catalogue is the shop's 40 products: every kind in two glazes, with
// stock (some sold out) and last changes drawn from rng.
func catalogue(rng *rand.Rand, now time.Time) []product {
	var out []product
	for i, k := range kinds {
		for j := range 2 {
			g := glazes[(i+2*j)%len(glazes)]
			title := fmt.Sprintf("%s — %s", k.name, g.name)
			stock := rng.IntN(30)
			if rng.IntN(8) == 0 {
				stock = 0
			}
			out = append(out, product{
				title:   title,
				handle:  handleOf(k.name + " " + g.name),
				kind:    k,
				glaze:   g,
				price:   fmt.Sprintf("%d.00", k.price+2*j),
				stock:   stock,
				updated: now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour).Truncate(time.Second),
			})
		}
	}
	return out
}

func handleOf(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// fakeProduct is p as the fake Shopify lists it, its picture on media.
func (p product) fakeProduct(media string) shopifytest.FakeProduct {
	return shopifytest.FakeProduct{
		Title:     p.title,
		Handle:    p.handle,
		URL:       "https://" + shopDomain + "/products/" + p.handle,
		ImageURL:  media + productsPath + p.handle + ".png",
		ImageAlt:  p.title,
		UpdatedAt: p.updated,
		Variants: []shopifytest.FakeVariant{{
			Title: "Default Title", SKU: strings.ToUpper(p.handle), Price: p.price, InventoryQuantity: p.stock,
		}},
	}
}
