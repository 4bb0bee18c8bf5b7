package shopify

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Shop reads the shop's name, domains and currency.
func (c *Client) Shop(ctx context.Context) (ShopInfo, error) {
	var d struct {
		Shop struct {
			Name            string `json:"name"`
			MyshopifyDomain string `json:"myshopifyDomain"`
			PrimaryDomain   struct {
				URL  string `json:"url"`
				Host string `json:"host"`
			} `json:"primaryDomain"`
			CurrencyCode string `json:"currencyCode"`
		} `json:"shop"`
	}
	if err := c.do(ctx, opShop, shopQuery, nil, &d); err != nil {
		return ShopInfo{}, err
	}
	s := d.Shop
	return ShopInfo{Name: s.Name, Domain: s.PrimaryDomain.Host, MyshopifyDomain: s.MyshopifyDomain, Currency: s.CurrencyCode}, nil
}

// Query cost, per Shopify's calculation (shopify.dev/docs/apps/build/apis/
// graphql-admin/rate-limits: objects cost 1, scalars and enums 0, a
// connection costs 2 plus first times its node): a product node of
// productsQuery is 1 (product) + 1 (featuredImage) + 2 + 100 (variants).
// A single query may not exceed 1000 points (MAX_COST_EXCEEDED).
const (
	productNodeCost = 1 + 1 + 2 + 100
	maxQueryCost    = 1000
	// MaxProductsPageSize is the largest page Products asks for: the most
	// products whose requested cost stays within the single-query limit.
	MaxProductsPageSize = (maxQueryCost - 2) / productNodeCost
)

type productNode struct {
	ID             string    `json:"id"`
	Title          string    `json:"title"`
	Handle         string    `json:"handle"`
	Vendor         string    `json:"vendor"`
	Status         string    `json:"status"`
	OnlineStoreURL *string   `json:"onlineStoreUrl"`
	TotalInventory *int      `json:"totalInventory"`
	UpdatedAt      time.Time `json:"updatedAt"`
	FeaturedImage  *struct {
		URL     string `json:"url"`
		AltText string `json:"altText"`
	} `json:"featuredImage"`
	Variants struct {
		Nodes []struct {
			ID                string `json:"id"`
			Title             string `json:"title"`
			SKU               string `json:"sku"`
			Price             string `json:"price"`
			InventoryQuantity *int   `json:"inventoryQuantity"`
		} `json:"nodes"`
	} `json:"variants"`
}

func (n productNode) product() Product {
	p := Product{ID: n.ID, Title: n.Title, Handle: n.Handle, Vendor: n.Vendor, Status: n.Status, UpdatedAt: n.UpdatedAt}
	if n.OnlineStoreURL != nil {
		p.URL = *n.OnlineStoreURL
	}
	if n.TotalInventory != nil {
		p.TotalInventory = *n.TotalInventory
	}
	if n.FeaturedImage != nil {
		p.ImageURL = n.FeaturedImage.URL
	}
	for _, v := range n.Variants.Nodes {
		pv := Variant{ID: v.ID, Title: v.Title, SKU: v.SKU, Price: v.Price}
		if v.InventoryQuantity != nil {
			pv.InventoryQuantity = *v.InventoryQuantity
		}
		p.Variants = append(p.Variants, pv)
	}
	return p
}

type pageInfo struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor"`
}

// next returns the cursor of the following page, or "" at the end, and
// records it in seen. A cursor seen before is an error: following it would
// loop forever.
func (pi pageInfo) next(seen map[string]bool) (string, error) {
	if !pi.HasNextPage {
		return "", nil
	}
	if pi.EndCursor == nil || *pi.EndCursor == "" || seen[*pi.EndCursor] {
		return "", errors.New("shopify: pageInfo says there is a next page but gives no new endCursor")
	}
	seen[*pi.EndCursor] = true
	return *pi.EndCursor, nil
}

// Products yields every product, pageSize per request (at most
// MaxProductsPageSize; <= 0 means that maximum), following pageInfo's
// endCursor. Only the first 100 variants of a product are read. An error
// is yielded once, with a zero Product, and ends the sequence.
func (c *Client) Products(ctx context.Context, pageSize int) iter.Seq2[Product, error] {
	if pageSize <= 0 || pageSize > MaxProductsPageSize {
		pageSize = MaxProductsPageSize
	}
	return func(yield func(Product, error) bool) {
		cursor, seen := "", map[string]bool{}
		for {
			vars := map[string]any{"first": pageSize, "after": nil}
			if cursor != "" {
				vars["after"] = cursor
			}
			var d struct {
				Products struct {
					PageInfo pageInfo      `json:"pageInfo"`
					Nodes    []productNode `json:"nodes"`
				} `json:"products"`
			}
			if err := c.do(ctx, opProducts, productsQuery, vars, &d); err != nil {
				yield(Product{}, err)
				return
			}
			for _, n := range d.Products.Nodes {
				if !yield(n.product(), nil) {
					return
				}
			}
			next, err := d.Products.PageInfo.next(seen)
			if err != nil {
				yield(Product{}, err)
				return
			}
			if next == "" {
				return
			}
			cursor = next
		}
	}
}
