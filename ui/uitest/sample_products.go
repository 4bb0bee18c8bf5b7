package uitest

import (
	"fmt"
	"image/color"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// SampleShop is the sample's Shopify shop.
var SampleShop = store.Shop{Domain: "lila-boutique.myshopify.com", Name: "Boutique Lila",
	PrimaryDomain: "lila.example", Currency: "EUR"}

type sampleProduct struct {
	title, handle, vendor, status, price, sku string
	stock                                     int
	tint                                      color.NRGBA
}

var sampleCatalogue = []sampleProduct{
	{"Linen Wrap Dress", "linen-wrap-dress", "Atelier Lila", "ACTIVE", "89.00", "LWD-SAGE-M", 12, color.NRGBA{142, 170, 140, 255}},
	{"Linen Wrap Dress — Sand", "linen-wrap-dress-sand", "Atelier Lila", "ACTIVE", "89.00", "LWD-SAND-M", 3, color.NRGBA{214, 190, 150, 255}},
	{"Silk Scarf, Midnight Blue", "silk-scarf-blue", "Soie de Lyon", "ACTIVE", "45.00", "SCF-BLU", 27, color.NRGBA{40, 60, 120, 255}},
	{"Straw Market Bag", "straw-market-bag", "Cestaria Minho", "ACTIVE", "59.90", "BAG-STR-01", 0, color.NRGBA{200, 170, 90, 255}},
	{"Organic Cotton Tee", "organic-cotton-tee", "Atelier Lila", "ACTIVE", "29.00", "TEE-WHT-S", 140, color.NRGBA{230, 230, 225, 255}},
	{"Espresso Beans Single Origin 1 kg", "espresso-beans-1kg", "Café Olé Roasters", "ACTIVE", "24.50", "COF-ESP-1KG", 58, color.NRGBA{90, 60, 40, 255}},
	{"Ceramic Pour-Over Set", "ceramic-pour-over", "Café Olé Roasters", "ACTIVE", "38.00", "COF-POUR-SET", 9, color.NRGBA{180, 120, 100, 255}},
	{"Autumn Wool Cardigan", "autumn-wool-cardigan", "Atelier Lila", "DRAFT", "119.00", "CAR-WOOL-M", 0, color.NRGBA{150, 80, 60, 255}},
	{"Summer Sandals 2025", "summer-sandals-2025", "Passo Leve", "ARCHIVED", "64.00", "SAN-25-38", 2, color.NRGBA{210, 160, 120, 255}},
	{"Gift Card", "gift-card", "Boutique Lila", "ACTIVE", "50.00", "GIFT-50", 999, color.NRGBA{200, 120, 160, 255}},
}

// SampleProducts is the sample's catalogue: active products in and out
// of stock, a draft and an archived one, several vendors.
func SampleProducts(now time.Time) []store.Product {
	ps := make([]store.Product, len(sampleCatalogue))
	for i, s := range sampleCatalogue {
		ps[i] = store.Product{
			ID: fmt.Sprintf("gid://shopify/Product/%d", 7001+i), Title: s.title, Handle: s.handle,
			Vendor: s.vendor, Status: s.status, TotalInventory: s.stock,
			URL:      "https://" + SampleShop.PrimaryDomain + "/products/" + s.handle,
			ImageURL: productImageURL(s.handle),
			Variants: []store.Variant{{ID: fmt.Sprintf("gid://shopify/ProductVariant/%d", 9001+i),
				Title: "Default", SKU: s.sku, Price: s.price, InventoryQuantity: s.stock}},
			UpdatedAt: now.Add(-time.Duration(i) * time.Hour),
		}
	}
	return ps
}

func productImageURL(handle string) string {
	return "https://cdn.example.com/products/" + handle + ".jpg"
}

// SampleImages serves a picture for every sample product, and for the
// sample's photo attachment, so that a look at the window shows them.
func SampleImages() *Images {
	im := NewImages()
	for _, s := range sampleCatalogue {
		im.Put(productImageURL(s.handle), PNG(320, 320, s.tint))
	}
	im.Put("https://cdn.example.com/p/blue-scarf.jpg", PNG(480, 360, color.NRGBA{40, 60, 120, 255}))
	return im
}

// sampleReplies gives the sample its shop and catalogue, a product card
// in Ana's thread, a draft left with Zoë and a failed send with Priya.
func (f *Fake) sampleReplies(now time.Time) {
	ps := SampleProducts(now)
	card := store.Message{ID: "m_ana_card", PageID: PageLila, PSID: "ana", Direction: store.Outgoing,
		CreatedAt: now.Add(-25*time.Hour - 50*time.Minute),
		Card:      &store.Card{Title: ps[0].Title, Subtitle: "€89.00", ImageURL: ps[0].ImageURL, URL: ps[0].URL, Button: "View"}}
	f.AddMessage("", card, false)

	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply.now = func() time.Time { return now }
	f.reply.shop = SampleShop
	f.reply.products = ps
	f.reply.drafts[ui.ConversationRef{PageID: PageLila, PSID: "zoe"}] = ui.Draft{Text: "Hi Zoë! The blue one is back in stock"}
	priya := ui.ConversationRef{PageID: PageLila, PSID: "priya"}
	f.reply.drafts[priya] = ui.Draft{Failed: []ui.FailedSend{{
		ID:      "f1",
		Request: ui.SendRequest{Ref: priya, Text: "Hi Priya, I checked: your order ships tomorrow.", HumanAgent: true},
		Reason:  "Meta refused the human-agent tag: this app has not been granted it",
		At:      now.Add(-20 * time.Minute),
	}}}
}
