package engine

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// ShopifyAPI is the part of the Admin API a catalogue poll reads.
type ShopifyAPI interface {
	Shop(ctx context.Context) (shopify.ShopInfo, error)
	Products(ctx context.Context, pageSize int) iter.Seq2[shopify.Product, error]
}

// CatalogueOptions configures a Catalogue. Store and API are required.
type CatalogueOptions struct {
	Store *store.Store
	// API returns a client with a live token (see ShopifyTokens), or
	// ErrShopifyNotConnected.
	API    func(ctx context.Context) (ShopifyAPI, error)
	Logger *slog.Logger
	Now    func() time.Time
}

// Catalogue copies the shop's details and its products into the store, so
// the window can show them beside a conversation without calling Shopify.
type Catalogue struct{ o CatalogueOptions }

// NewCatalogue returns a Catalogue.
func NewCatalogue(o CatalogueOptions) *Catalogue {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Catalogue{o: o}
}

// CatalogueReport is what one catalogue poll did.
type CatalogueReport struct {
	Shop     string
	Products int // products read
	Changed  int // products stored because they were new or changed
	Removed  int // products the shop no longer lists
}

// upsertChunk bounds one write transaction of products.
const upsertChunk = 250

// Poll reads the shop and every product. Products stored before this poll
// started and not seen in it were deleted in the shop (a products/delete
// webhook that never arrived): they are removed. Webhooks that arrive during
// the poll are newer and win on UpdatedAt.
func (c *Catalogue) Poll(ctx context.Context) (CatalogueReport, error) {
	var rep CatalogueReport
	started := c.o.Now()
	api, err := c.o.API(ctx)
	if err != nil {
		return rep, err
	}
	info, err := api.Shop(ctx)
	if err != nil {
		return rep, fmt.Errorf("read shop: %w", err)
	}
	rep.Shop = info.MyshopifyDomain
	if err := c.o.Store.PutShop(ctx, store.Shop{
		Domain: info.MyshopifyDomain, Name: info.Name, PrimaryDomain: info.Domain, Currency: info.Currency, UpdatedAt: started,
	}); err != nil {
		return rep, err
	}
	seen := map[string]bool{}
	batch := make([]store.Product, 0, upsertChunk)
	flush := func() error {
		n, err := c.o.Store.UpsertProducts(ctx, batch)
		rep.Changed += n
		batch = batch[:0]
		return err
	}
	for p, err := range api.Products(ctx, 0) {
		if err != nil {
			return rep, fmt.Errorf("read products: %w", err)
		}
		seen[p.ID] = true
		rep.Products++
		batch = append(batch, storeProduct(p))
		if len(batch) == upsertChunk {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if rep.Removed, err = c.o.Store.PruneProducts(ctx, seen, started); err != nil {
		return rep, err
	}
	return rep, nil
}

func storeProduct(p shopify.Product) store.Product {
	vs := make([]store.Variant, len(p.Variants))
	for i, v := range p.Variants {
		vs[i] = store.Variant(v)
	}
	return store.Product{
		ID: p.ID, Title: p.Title, Handle: p.Handle, Vendor: p.Vendor, Status: p.Status, URL: p.URL, ImageURL: p.ImageURL,
		TotalInventory: p.TotalInventory, Variants: vs, UpdatedAt: p.UpdatedAt,
	}
}
