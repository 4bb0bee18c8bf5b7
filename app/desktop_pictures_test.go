package app

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/ui"
)

var _ ui.Images = pictures{}

// The window's pictures are fetched once into the data directory's
// images folder; the next run reads them from there.
func TestPicturesCachedInDataDir(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(b.Bytes())
	}))
	defer srv.Close()
	dataDir := t.TempDir()
	url := srv.URL + "/photo.png"

	for run := range 2 { // the app started twice
		p, err := openPictures(dataDir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Image(t.Context(), url)
		if err != nil || !bytes.Equal(got, b.Bytes()) {
			t.Fatalf("run %d: Image = %d bytes, %v; want the %d served", run, len(got), err, b.Len())
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests over two runs, want 1", n)
	}
	files, err := os.ReadDir(filepath.Join(dataDir, "images"))
	if err != nil || len(files) != 1 {
		t.Fatalf("images folder: %v, %v; want one file", files, err)
	}
}
