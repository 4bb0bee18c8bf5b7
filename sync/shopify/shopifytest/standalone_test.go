package shopifytest_test

import (
	"net/http"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
)

// A fake started outside a test answers like one started by NewServer,
// panics where NewServer's would fail the test, and stops on Close.
func TestStandalone(t *testing.T) {
	s := shopifytest.Standalone()
	s.AddToken(token, "read_products")
	s.SetShop("Standalone Shop", "", "")

	resp, a := gql(t, s, token, "query MerchantInboxShop { shop { name } }", "", nil)
	if shop, _ := a.Data["shop"].(map[string]any); resp.StatusCode != http.StatusOK || shop["name"] != "Standalone Shop" {
		t.Fatalf("shop: HTTP %d, %+v", resp.StatusCode, a.Data)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("UpdateProduct of an unknown product did not panic")
			}
		}()
		s.UpdateProduct(shopifytest.FakeProduct{ID: 404, Title: "lost"})
	}()

	s.Close()
	if resp, err := http.Get(s.URL + "/admin/oauth/authorize"); err == nil {
		resp.Body.Close()
		t.Error("the fake still answers after Close")
	}
}
