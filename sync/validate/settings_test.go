package validate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

func TestShopName(t *testing.T) {
	check(t, "ShopName", validate.ShopName, []struct{ in, want string }{
		{"acme", ""},
		{"  Acme-Store-2  ", ""},
		{"https://acme.myshopify.com/", ""},
		{"", "Enter the store's name"},
		{"   ", "Enter the store's name"},
		{"evil.com", "not a Shopify store address"},
		{"shop.myshopify.com.evil.com", "not a Shopify store address"},
		{"shop_name", "not a Shopify store address"},
		{"shop.myshopify.com:443", "not a Shopify store address"},
		{strings.Repeat("a", 64), "not a Shopify store address"},
	})
}

func TestNormalizeShop(t *testing.T) {
	for in, want := range map[string]string{
		"acme":                        "acme.myshopify.com",
		"ACME.MyShopify.COM":          "acme.myshopify.com",
		"https://acme.myshopify.com/": "acme.myshopify.com",
		"http://acme":                 "acme.myshopify.com",
	} {
		if got, err := validate.NormalizeShop(in); err != nil || got != want {
			t.Errorf("NormalizeShop(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestTimeOfDay(t *testing.T) {
	check(t, "TimeOfDay", validate.TimeOfDay, []struct{ in, want string }{
		{"09:00", ""},
		{"23:59", ""},
		{"00:05", ""},
		{"24:00", "24-hour clock"},
		{"12:60", "24-hour clock"},
		{"9am", "24-hour clock"},
		{"", "24-hour clock"},
		{"09:00:00", "24-hour clock"},
	})
	if h, m, err := validate.ParseTimeOfDay("07:30"); h != 7 || m != 30 || err != nil {
		t.Errorf("ParseTimeOfDay(07:30) = %d, %d, %v", h, m, err)
	}
}

func TestListenAddress(t *testing.T) {
	check(t, "ListenAddress", validate.ListenAddress, []struct{ in, want string }{
		{"127.0.0.1:8765", ""},
		{"127.0.0.1:0", ""},
		{"[::1]:8765", ""},
		{"localhost:8765", ""},
		{"127.0.0.2:8765", ""},
		{"0.0.0.0:8765", "this computer only"},
		{":8765", "this computer only"},
		{"192.168.1.10:8765", "this computer only"},
		{"example.com:8765", "this computer only"},
		{"no-port", "address and port"},
		{"127.0.0.1", "address and port"},
		{"", "address and port"},
		{"127.0.0.1:http", "number up to 65535"},
		{"127.0.0.1:65536", "number up to 65535"},
	})
}

func TestNgrokDomain(t *testing.T) {
	check(t, "NgrokDomain", validate.NgrokDomain, []struct{ in, want string }{
		{"shop-inbox.ngrok-free.app", ""},
		{"shop-inbox.ngrok.app", ""},
		{"hooks.example.co.uk", ""},
		{"Shop-Inbox.NGROK.app", ""},
		{"https://shop-inbox.ngrok-free.app/", ""},
		{"", "Enter the domain"},
		{"http://shop-inbox.ngrok.app", "without http://"},
		{"shop-inbox.ngrok.app/hooks", "without http://"},
		{"shop-inbox.ngrok.app:8443", "without http://"},
		{"user@shop-inbox.ngrok.app", "without http://"},
		{"shop-inbox", "not a domain name"},
		{"shop inbox.ngrok.app", "not a domain name"},
		{"shop_inbox.ngrok.app", "not a domain name"},
		{"-shop.ngrok.app", "not a domain name"},
		{"shop..ngrok.app", "not a domain name"},
		{"127.0.0.1", "not a domain name"},
		{strings.Repeat("a", 64) + ".ngrok.app", "not a domain name"},
		{"none", "not a domain name"},
	})
	if got, err := validate.NormalizeDomain(" https://Shop-Inbox.ngrok.app/ "); got != "shop-inbox.ngrok.app" || err != nil {
		t.Errorf("NormalizeDomain = %q, %v", got, err)
	}
}

func TestImageCacheMB(t *testing.T) {
	for _, tc := range []struct {
		mb int
		ok bool
	}{{200, true}, {validate.MinImageCacheMB, true}, {validate.MaxImageCacheMB, true},
		{0, false}, {-1, false}, {validate.MinImageCacheMB - 1, false}, {validate.MaxImageCacheMB + 1, false}} {
		err := validate.ImageCacheMB(tc.mb)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, validate.ErrInvalid)) {
			t.Errorf("ImageCacheMB(%d) = %v, want ok=%v", tc.mb, err, tc.ok)
		}
	}
	check(t, "ParseImageCacheMB", func(s string) error { _, err := validate.ParseImageCacheMB(s); return err },
		[]struct{ in, want string }{
			{"500", ""},
			{" 500 MB", ""},
			{"500mb", ""},
			{"", "whole number of megabytes"},
			{"1.5", "whole number of megabytes"},
			{"lots", "whole number of megabytes"},
			{"5", "from 20 to 10240 MB"},
			{"99999", "from 20 to 10240 MB"},
		})
	if mb, err := validate.ParseImageCacheMB("500 MB"); mb != 500 || err != nil {
		t.Errorf("ParseImageCacheMB(500 MB) = %d, %v", mb, err)
	}
}
