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

	"github.com/merchant-inbox/merchant-inbox/sync/store"
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
	st := openTestStore(t)
	url := srv.URL + "/photo.png"

	for run := range 2 { // the app started twice
		p, err := openPictures(t.Context(), dataDir, st)
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

// openTestStore is a real database in a temporary folder.
func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// The image cache size saved in the settings bounds the folder from the
// start, and a smaller size saved while the window runs frees the disk
// with the next picture shown, without a restart.
func TestPicturesFollowTheImageCacheSetting(t *testing.T) {
	const pictureBytes = 300 << 10
	pics := map[string][]byte{}
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		var b bytes.Buffer
		b.Write([]byte("\x89PNG\r\n\x1a\n"))
		b.Write(bytes.Repeat([]byte(name), pictureBytes-b.Len()))
		pics["/"+name+".png"] = b.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pics[r.URL.Path])
	}))
	defer srv.Close()
	dataDir := t.TempDir()
	st := openTestStore(t)
	if err := st.PutSettings(t.Context(), store.Settings{ImageCacheMB: 1}); err != nil {
		t.Fatal(err)
	}
	folder := func() (files int, size int64) {
		t.Helper()
		des, err := os.ReadDir(filepath.Join(dataDir, picturesDir))
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			fi, err := de.Info()
			if err != nil {
				t.Fatal(err)
			}
			size += fi.Size()
		}
		return len(des), size
	}

	p, err := openPictures(t.Context(), dataDir, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		if _, err := p.Image(t.Context(), srv.URL+"/"+name+".png"); err != nil {
			t.Fatal(err)
		}
	}
	if n, size := folder(); n != 3 || size > 1<<20 {
		t.Fatalf("with 1 MB: %d pictures, %d bytes; want 3 within 1 MB", n, size)
	}

	if err := st.PutSettings(t.Context(), store.Settings{ImageCacheMB: 2}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c"} {
		if _, err := p.Image(t.Context(), srv.URL+"/"+name+".png"); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := folder(); n != 5 {
		t.Fatalf("after raising it to 2 MB: %d pictures, want all 5", n)
	}

	if err := st.PutSettings(t.Context(), store.Settings{ImageCacheMB: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Image(t.Context(), srv.URL+"/c.png"); err != nil {
		t.Fatal(err)
	}
	if n, size := folder(); n != 3 || size > 1<<20 {
		t.Errorf("after lowering it to 1 MB: %d pictures, %d bytes; want 3 within 1 MB", n, size)
	}
}
