package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestConnectionsRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	zone := time.FixedZone("X", 2*3600)
	if _, err := s.Connection(ctx, ProviderShopify); !errors.Is(err, ErrNotFound) {
		t.Errorf("Connection(never connected) err = %v, want ErrNotFound", err)
	}
	if cs, err := s.Connections(ctx); err != nil || len(cs) != 0 {
		t.Errorf("Connections(empty) = %+v, %v", cs, err)
	}

	shopify := Connection{Provider: ProviderShopify, Account: "demo.myshopify.com",
		Scopes: []string{"read_products"}, ConnectedAt: time.Date(2025, 6, 1, 12, 0, 0, 0, zone)}
	facebook := Connection{Provider: ProviderFacebook, Account: "Ann Merchant",
		Scopes: []string{"pages_messaging", "pages_show_list"}, ConnectedAt: t0}
	uninstalled := shopify
	uninstalled.Disconnected = true
	uninstalled.DisconnectedAt = t0.Add(time.Hour)
	uninstalled.Note = "app uninstalled from Shopify"
	reconnected := Connection{Provider: ProviderShopify, Account: "demo.myshopify.com", ConnectedAt: t0.Add(2 * time.Hour)}

	for _, tc := range []struct {
		name string
		put  Connection
		want []Connection // Connections() afterwards, sorted by provider
	}{
		{"first provider", shopify, []Connection{shopify}},
		{"second provider sorts first", facebook, []Connection{facebook, shopify}},
		{"disconnect", uninstalled, []Connection{facebook, uninstalled}},
		{"reconnect replaces the whole record", reconnected, []Connection{facebook, reconnected}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.PutConnection(ctx, tc.put); err != nil {
				t.Fatal(err)
			}
			got, err := s.Connections(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Connections = %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if !sameConnection(got[i], tc.want[i]) {
					t.Errorf("Connections[%d] = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			one, err := s.Connection(ctx, tc.put.Provider)
			if err != nil || !sameConnection(one, tc.put) {
				t.Errorf("Connection(%s) = %+v, %v; want %+v", tc.put.Provider, one, err, tc.put)
			}
			if one.ConnectedAt.Location() != time.UTC {
				t.Errorf("ConnectedAt stored in %v, want UTC", one.ConnectedAt.Location())
			}
		})
	}

	before := dump(t, s)
	for _, provider := range []string{"", "Shopify", "instagram", "shop\x00ify"} {
		if err := s.PutConnection(ctx, Connection{Provider: provider}); !errors.Is(err, ErrInvalid) {
			t.Errorf("PutConnection(%q) err = %v, want ErrInvalid", provider, err)
		}
	}
	if after := dump(t, s); len(after) != len(before) {
		t.Errorf("rejected PutConnection wrote to the file")
	}
	checkCounts(t, s)
}

func sameConnection(a, b Connection) bool {
	return a.Provider == b.Provider && a.Account == b.Account && slices.Equal(a.Scopes, b.Scopes) &&
		a.ConnectedAt.Equal(b.ConnectedAt) && a.Disconnected == b.Disconnected &&
		a.DisconnectedAt.Equal(b.DisconnectedAt) && a.Note == b.Note
}
