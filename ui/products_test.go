package ui_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

func TestProductsSearchAndRows(t *testing.T) {
	_, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	h.UI(func() {
		if h.ProductsShown() {
			t.Error("the products panel shows before it was asked for")
		}
		h.ToggleProducts()
	})
	h.Eventually("the catalogue", func() bool { return len(h.ProductRows()) == 10 })
	h.UI(func() {
		rows := h.ProductRows()
		for _, want := range []string{
			"Linen Wrap Dress | €89.00 · 12 in stock · LWD-SAGE-M |  | + +",
			"Straw Market Bag | €59.90 · Out of stock · BAG-STR-01 |  | + +",
			"Autumn Wool Cardigan | €119.00 · Out of stock · CAR-WOOL-M | Draft | + -",
			"Summer Sandals 2025 | €64.00 · 2 in stock · SAN-25-38 | Archived | + -",
		} {
			if !slices.Contains(rows, want) {
				t.Errorf("no row %q in\n%s", want, strings.Join(rows, "\n"))
			}
		}
		h.SearchProducts("lwd-sand")
	})
	h.Eventually("the SKU's product", func() bool {
		r := h.ProductRows()
		return len(r) == 1 && strings.HasPrefix(r[0], "Linen Wrap Dress — Sand |")
	})
	h.UI(func() { h.SearchProducts("passo leve") }) // a vendor
	h.Eventually("the vendor's product", func() bool {
		r := h.ProductRows()
		return len(r) == 1 && strings.HasPrefix(r[0], "Summer Sandals 2025 |")
	})
	h.UI(func() { h.SearchProducts("zebra") })
	h.Eventually("no match", func() bool { title, _, _ := h.ProductsNote(); return title == "No products match “zebra”" })

	openByName(t, h, "Jürgen Müller-Lüdenscheidt")
	h.UI(func() {
		if !h.ProductsShown() {
			t.Error("the products panel closed on switching conversations")
		}
	})
}

// "Insert" puts the product's title, price and link where the cursor is.
func TestProductInsertAtTheCursor(t *testing.T) {
	_, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	h.UI(func() {
		h.ToggleProducts()
		h.SearchProducts("sand")
	})
	h.Eventually("the product", func() bool { return len(h.ProductRows()) == 2 })
	h.UI(func() {
		h.TypeReply("We have  in size M")
		h.MoveReplyCursor(0, len("We have "))
		h.TapInsert("Linen Wrap Dress — Sand")
		want := "We have Linen Wrap Dress — Sand, €89.00: https://lila.example/products/linen-wrap-dress-sand in size M"
		if got := h.Reply().Text; got != want {
			t.Errorf("box = %q\nwant  %q", got, want)
		}
	})
}

// "Send as card" sends the product through Send, and the thread shows
// the card; it is offered only while a reply may go.
func TestSendProductAsCard(t *testing.T) {
	f, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	h.UI(func() { h.ToggleProducts() })
	h.Eventually("the catalogue", func() bool { return len(h.ProductRows()) == 10 })
	h.UI(func() { h.TapSendCard("Silk Scarf, Midnight Blue") })
	h.Eventually("the card in the thread", func() bool {
		return lastLine(h) == "> [card Silk Scarf, Midnight Blue / €45.00 / View https://lila.example/products/silk-scarf-blue] | 15:30"
	})
	if s := f.Sends(); len(s) != 1 || s[0].Product == nil || s[0].Product.Handle != "silk-scarf-blue" || s[0].Text != "" {
		t.Errorf("sends = %+v", s)
	}

	openByName(t, h, "王芳") // the standard window closed
	h.Eventually("cards off", func() bool {
		r := h.ProductRows()
		return len(r) == 10 && strings.HasSuffix(r[0], "| + -") && h.ProductsFoot() == "Tick “Reply as human agent” to send cards"
	})
	h.UI(func() { h.TapHumanAgent() })
	h.Eventually("cards on", func() bool { return strings.HasSuffix(h.ProductRows()[0], "| + +") && h.ProductsFoot() == "" })
}

func TestProductsWithoutAShop(t *testing.T) {
	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	f.AddMessage("Ana", message("p1", "ana", "m1", store.Incoming, now.Add(-time.Minute), "hi"), false)
	connects := 0
	for _, withButton := range []bool{false, true} {
		ho := ui.HarnessOptions{}
		if withButton {
			ho.OnConnectShop = func() { connects++ }
		}
		h := ui.NewHarness(t, f, ho).Start().Loaded()
		h.UI(func() { h.TapRow(0) })
		h.Eventually("the thread", func() bool { return len(h.ThreadMessages()) == 1 })
		h.UI(func() {
			if !h.ProductsShown() {
				h.ToggleProducts()
			}
		})
		h.Eventually("no shop", func() bool { title, _, _ := h.ProductsNote(); return title == "No shop connected" })
		h.UI(func() {
			_, action, code := h.ProductsNote()
			switch {
			case withButton && (action != "Connect Shopify…" || code != ""):
				t.Errorf("with OnConnectShop: button %q, command %q", action, code)
			case !withButton && (action != "" || code != "merchant-inbox connect shopify"):
				t.Errorf("without OnConnectShop: button %q, command %q", action, code)
			}
			if withButton {
				h.TapProductsNote()
			}
		})
		h.Screenshot("products-noshop")
		h.Stop()
	}
	if connects != 1 {
		t.Errorf("Connect Shopify… called %d times", connects)
	}
}
