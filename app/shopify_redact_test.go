package app

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TestServeErasesAnUninstalledShopAfterARestart: shop/redact comes 48
// hours after the uninstall, and the app has usually restarted since. serve
// must still accept it for the disconnected shop and erase what it kept.
func TestServeErasesAnUninstalledShopAfterARestart(t *testing.T) {
	h := newHarness(t)
	shop := shopifytest.NewServer(t)
	shop.SetApp("client-id", shopifySecret)
	h.mustRun(shopifySecret, "secrets", "set", "shopify-client-secret")

	// What the last run left: the shop, its catalogue, and a connection
	// app/uninstalled marked disconnected.
	st, err := store.Open(filepath.Join(h.env[EnvDataDir], dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	uninstalled := time.Now().Add(-48 * time.Hour)
	if err := errors.Join(
		st.PutConnection(t.Context(), store.Connection{Provider: store.ProviderShopify, Account: shopifytest.DefaultShop,
			ConnectedAt: uninstalled.Add(-time.Hour), Disconnected: true, DisconnectedAt: uninstalled}),
		st.PutShop(t.Context(), store.Shop{Domain: shopifytest.DefaultShop, Name: "Fake Shop"}),
		func() error {
			_, err := st.UpsertProducts(t.Context(), []store.Product{{ID: "gid://shopify/Product/1", Title: "Blue T-Shirt"}})
			return err
		}(),
		st.Close(),
	); err != nil {
		t.Fatal(err)
	}

	url, stop, stderr := h.startServe()
	base, _ := strings.CutSuffix(url, engine.FacebookWebhookPath)
	body := []byte(`{"shop_id":548380009,"shop_domain":"` + shopifytest.DefaultShop + `"}`)
	if code, err := shop.Deliver(t.Context(), base+engine.ShopifyWebhookPath, "shop/redact", body); err != nil || code != 200 {
		t.Fatalf("shop/redact to a serve started after the uninstall: %d %v", code, err)
	}
	if code := stop(); code != ExitOK {
		t.Fatalf("serve exit %d\n%s", code, stderr.String())
	}

	var rep statusReport
	h.jsonOf(&rep, "status", "--json")
	if rep.Shop != nil || rep.Stats.Products != 0 {
		t.Errorf("after shop/redact: shop %+v, %d products; want both erased", rep.Shop, rep.Stats.Products)
	}
}
