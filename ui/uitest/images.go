package uitest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// Images is an in-memory ui.Images: pictures and failures by URL. Hold
// makes every fetch wait until Release, so a test decides when pictures
// arrive. It is safe for concurrent use.
type Images struct {
	mu    sync.Mutex
	pics  map[string][]byte
	fails map[string]error
	asked map[string]int
	gate  chan struct{} // nil: fetches are served at once
}

// NewImages returns an Images that serves nothing yet.
func NewImages() *Images {
	return &Images{pics: map[string][]byte{}, fails: map[string]error{}, asked: map[string]int{}}
}

// Put serves data at url.
func (im *Images) Put(url string, data []byte) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.pics[url] = data
}

// Fail makes fetches of url return err.
func (im *Images) Fail(url string, err error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.fails[url] = err
}

// Hold makes fetches wait until Release (or their context ends).
func (im *Images) Hold() {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.gate == nil {
		im.gate = make(chan struct{})
	}
}

// Release lets held and later fetches through.
func (im *Images) Release() {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.gate != nil {
		close(im.gate)
		im.gate = nil
	}
}

// Asked counts the fetches of url.
func (im *Images) Asked(url string) int {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.asked[url]
}

// Image implements ui.Images.
func (im *Images) Image(ctx context.Context, url string) ([]byte, error) {
	im.mu.Lock()
	im.asked[url]++
	gate := im.gate
	im.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	if err := im.fails[url]; err != nil {
		return nil, err
	}
	data, ok := im.pics[url]
	if !ok {
		return nil, ErrNotFound
	}
	return data, nil
}

// PNG is a w×h picture: a diagonal blend from c to white, so that its
// orientation and scaling show in a screenshot.
func PNG(w, h int, c color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			t := float64(x+y) / float64(w+h)
			mix := func(v uint8) uint8 { return uint8(float64(v)*(1-t) + 255*t) }
			img.SetNRGBA(x, y, color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
}
