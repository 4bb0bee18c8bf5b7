package demo

import (
	"bytes"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

func TestMediaServesEveryPicture(t *testing.T) {
	products := catalogue(rand.New(rand.NewPCG(1, 2)), time.Now())
	srv := httptest.NewServer(newMedia(products))
	defer srv.Close()

	paths := []string{productsPath + products[0].handle + ".png", productsPath + products[len(products)-1].handle + ".png"}
	for name := range photos {
		paths = append(paths, photosPath+name+".png")
	}
	for _, p := range paths {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		// A drawing, not a flat tile: the centre differs from the corner.
		b := img.Bounds()
		if img.At(b.Dx()/2, b.Dy()/2) == img.At(1, 1) {
			t.Errorf("%s: nothing drawn in the middle", p)
		}
	}
	for _, p := range []string{productsPath + "no-such-thing.png", photosPath + "nope.png", "/etc/passwd", productsPath + products[0].handle} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: HTTP %d, want 404", p, resp.StatusCode)
		}
	}
}

// The same seed gives the same shop, so screenshots are stable.
func TestCatalogueIsSeeded(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a := catalogue(rand.New(rand.NewPCG(7, 1)), now)
	b := catalogue(rand.New(rand.NewPCG(7, 1)), now)
	if len(a) != 40 || !reflect.DeepEqual(a, b) {
		t.Fatalf("two catalogues from one seed differ (or are not 40 products: %d)", len(a))
	}
	pa, _ := productPicture(a[3])
	pb, _ := productPicture(b[3])
	if !bytes.Equal(pa, pb) {
		t.Error("a product's picture differs between two draws")
	}
}
