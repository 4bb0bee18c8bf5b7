package demo

import (
	"net/http"
	"strings"
	"sync"
)

// Paths of the pictures the media server serves.
const (
	productsPath = "/products/" // + handle + ".png"
	photosPath   = "/photos/"   // + name + ".png"
)

// media serves the pictures of products and the photos customers send,
// drawing each on first request: what Shopify's and Meta's CDNs are to
// the real app.
type media struct {
	products map[string]product // by handle

	mu    sync.Mutex
	drawn map[string][]byte // by path
}

func newMedia(products []product) *media {
	m := &media{products: map[string]product{}, drawn: map[string][]byte{}}
	for _, p := range products {
		m.products[p.handle] = p
	}
	return m
}

func (m *media) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b, ok, err := m.picture(r.URL.Path)
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	case !ok:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}

// picture draws (once) the picture at path; ok is false when there is none.
func (m *media) picture(path string) (b []byte, ok bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b, ok := m.drawn[path]; ok {
		return b, true, nil
	}
	name, isPNG := strings.CutSuffix(path, ".png")
	if !isPNG {
		return nil, false, nil
	}
	if h, ok := strings.CutPrefix(name, productsPath); ok {
		p, found := m.products[h]
		if !found {
			return nil, false, nil
		}
		b, err = productPicture(p)
	} else if n, ok := strings.CutPrefix(name, photosPath); ok {
		if _, found := photos[n]; !found {
			return nil, false, nil
		}
		b, err = photo(n)
	} else {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	m.drawn[path] = b
	return b, true, nil
}
