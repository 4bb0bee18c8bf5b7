package shopify_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
)

func TestNormalizeShop(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"acme", "acme.myshopify.com"},
		{"acme.myshopify.com", "acme.myshopify.com"},
		{"ACME.MyShopify.COM", "acme.myshopify.com"},
		{"https://acme.myshopify.com", "acme.myshopify.com"},
		{"https://acme.myshopify.com/", "acme.myshopify.com"},
		{"  Acme-Store-2  ", "acme-store-2.myshopify.com"},
		{"3d-prints", "3d-prints.myshopify.com"},

		{"", ""},
		{"evil.com", ""},
		{"shop.myshopify.com.evil.com", ""},
		{"shop.myshopify.com/x", ""},
		{"https://shop.myshopify.com/admin", ""},
		{"-shop", ""},
		{"-shop.myshopify.com", ""},
		{"shop.myshopify.com:443", ""},
		{"user@shop.myshopify.com", ""},
		{"https://user:pw@shop.myshopify.com", ""},
		{"shop_name", ""},
		{"sub.shop.myshopify.com", ""},
		{"shop.myshopify.com?x=1", ""},
		{"shop.myshopify.com#frag", ""},
		{"ftp://shop.myshopify.com", ""},
		{"shop\n.myshopify.com", ""},
		{"myshopify.com", ""},
		{".myshopify.com", ""},
		{strings.Repeat("a", 64), ""},
	}
	for _, tt := range tests {
		got, err := shopify.NormalizeShop(tt.in)
		if tt.want == "" {
			if !errors.Is(err, shopify.ErrBadShop) {
				t.Errorf("NormalizeShop(%q) = %q, %v; want ErrBadShop", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeShop(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestInstallURL(t *testing.T) {
	scopes := []string{"read_products", "read_orders"}
	tests := []struct {
		name, base, shop, wantPrefix string
	}{
		{"real Shopify", "", "Acme", "https://acme.myshopify.com/admin/oauth/authorize?"},
		{"base override", "http://127.0.0.1:9999/", "acme.myshopify.com", "http://127.0.0.1:9999/admin/oauth/authorize?"},
		{"foreign shop", "", "evil.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := shopify.OAuth{ClientID: clientID, ClientSecret: clientSecret, BaseURL: tt.base}
			got := o.InstallURL(tt.shop, redirectURI, "st4te", scopes)
			if tt.wantPrefix == "" {
				if got != "" {
					t.Fatalf("InstallURL = %q, want empty for a bad shop", got)
				}
				return
			}
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Fatalf("InstallURL = %q, want prefix %q", got, tt.wantPrefix)
			}
			u, _ := url.Parse(got)
			q := u.Query()
			want := map[string]string{"client_id": clientID, "scope": "read_products,read_orders", "redirect_uri": redirectURI, "state": "st4te"}
			for k, v := range want {
				if q.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, q.Get(k), v)
				}
			}
			if strings.Contains(got, clientSecret) {
				t.Error("install URL carries the client secret")
			}
		})
	}
}
