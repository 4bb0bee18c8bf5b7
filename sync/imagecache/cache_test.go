package imagecache_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/imagecache"
)

// picture is size bytes that sniff as a PNG (the cache does not decode).
func picture(seed byte, size int) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{seed}, size-8)...)
	return b
}

// server serves pictures by path and counts requests per path.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	hits  map[string]int
	// gate, when set, holds every request until it is closed; arrived
	// gets a value when a request is held.
	gate    chan struct{}
	arrived chan struct{}
	gone    chan struct{} // closed when a held request's context ends
}

func newServer(t *testing.T) *server {
	s := &server{files: map[string][]byte{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	data, ok := s.files[r.URL.Path]
	gate, arrived, gone := s.gate, s.arrived, s.gone
	s.mu.Unlock()
	if gate != nil {
		arrived <- struct{}{}
		select {
		case <-gate:
		case <-r.Context().Done():
			close(gone)
			return
		}
	}
	switch {
	case !ok:
		http.NotFound(w, r)
	case r.URL.Path == "/page.html":
		w.Header().Set("Content-Type", "text/html")
		w.Write(data)
	case strings.HasPrefix(r.URL.Path, "/liar"):
		w.Header().Set("Content-Type", "image/png")
		w.Write(data)
	case r.URL.Path == "/stream.png": // no Content-Length
		w.Header().Set("Content-Type", "image/png")
		for i := 0; i < len(data); i += 1024 {
			w.Write(data[i:min(i+1024, len(data))])
			w.(http.Flusher).Flush()
		}
	default:
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	}
}

func (s *server) put(path string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = data
	return s.URL + path
}

func (s *server) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *server) hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gate, s.arrived, s.gone = make(chan struct{}), make(chan struct{}, 64), make(chan struct{})
}

// tick is a clock that moves a second on each reading, so that every use
// has its own modification time whatever the file system's resolution.
func tick() func() time.Time {
	var n atomic.Int64
	start := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Second) }
}

func open(t *testing.T, dir string, o imagecache.Options) *imagecache.Cache {
	t.Helper()
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second}
	}
	c, err := imagecache.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func get(t *testing.T, c *imagecache.Cache, url string) []byte {
	t.Helper()
	data, err := c.Get(t.Context(), url)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return data
}

func TestGetFetchesOnceAndKeepsAcrossRestart(t *testing.T) {
	s := newServer(t)
	pic := picture(1, 4000)
	url := s.put("/a.png", pic)
	dir := t.TempDir()

	c := open(t, dir, imagecache.Options{})
	for range 3 {
		if got := get(t, c, url); !bytes.Equal(got, pic) {
			t.Fatalf("Get returned %d bytes, want the %d served", len(got), len(pic))
		}
	}
	if n := s.hitsOf("/a.png"); n != 1 {
		t.Errorf("%d requests for three Gets, want 1", n)
	}

	again := open(t, dir, imagecache.Options{}) // the next run of the app
	if got := get(t, again, url); !bytes.Equal(got, pic) {
		t.Fatalf("after a restart Get returned %d bytes", len(got))
	}
	if n := s.hitsOf("/a.png"); n != 1 {
		t.Errorf("%d requests after a restart, want still 1", n)
	}
	if size, n := again.Size(); size != int64(len(pic)) || n != 1 {
		t.Errorf("Size() = %d bytes, %d files; want %d, 1", size, n, len(pic))
	}
	names, _ := os.ReadDir(dir)
	for _, de := range names {
		if strings.Contains(de.Name(), "a.png") || len(de.Name()) != 64 {
			t.Errorf("file %q in the cache: want only hex SHA-256 names", de.Name())
		}
	}
}

// With room for three pictures, a fourth evicts the one used least
// recently, in this run and in the next (use times are file times).
func TestEvictsLeastRecentlyUsed(t *testing.T) {
	s := newServer(t)
	urls := map[string]string{}
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		urls[name] = s.put("/"+name+".png", picture(byte(i), 1000))
	}
	dir := t.TempDir()
	o := imagecache.Options{Budget: 3500, Now: tick()}
	c := open(t, dir, o)
	get(t, c, urls["a"])
	get(t, c, urls["b"])
	get(t, c, urls["c"])
	get(t, c, urls["a"]) // a is now newer than b
	get(t, c, urls["d"]) // b goes
	if size, n := c.Size(); n != 3 || size > 3500 {
		t.Fatalf("Size() = %d bytes, %d files; want 3 within 3500", size, n)
	}
	get(t, c, urls["a"])
	get(t, c, urls["c"])
	get(t, c, urls["d"])
	for name, want := range map[string]int{"a": 1, "b": 1, "c": 1, "d": 1} {
		if n := s.hitsOf("/" + name + ".png"); n != want {
			t.Errorf("%s fetched %d times, want %d", name, n, want)
		}
	}
	get(t, c, urls["b"]) // evicted: fetched again, and a goes
	if n := s.hitsOf("/b.png"); n != 2 {
		t.Errorf("b fetched %d times, want 2 (it was evicted)", n)
	}

	// Now c, d, b remain, c least recently used. A restart keeps that order.
	c2 := open(t, dir, o)
	get(t, c2, urls["e"]) // c goes
	get(t, c2, urls["d"])
	get(t, c2, urls["b"])
	if n := s.hitsOf("/d.png") + s.hitsOf("/b.png"); n != 3 {
		t.Errorf("d and b fetched %d times in all, want 3 (kept across the restart)", n)
	}
	get(t, c2, urls["c"])
	if n := s.hitsOf("/c.png"); n != 2 {
		t.Errorf("c fetched %d times, want 2 (the oldest at the restart)", n)
	}

	small := open(t, dir, imagecache.Options{Budget: 1500, Now: tick()}) // budget lowered
	if size, n := small.Size(); size > 1500 || n != 1 {
		t.Errorf("opened with a smaller budget: %d bytes, %d files; want one within 1500", size, n)
	}
}

func TestConcurrentGetsMakeOneRequest(t *testing.T) {
	s := newServer(t)
	pic := picture(7, 2000)
	url := s.put("/same.png", pic)
	c := open(t, t.TempDir(), imagecache.Options{})
	s.hold()

	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			data, err := c.Get(t.Context(), url)
			if err == nil && !bytes.Equal(data, pic) {
				err = errors.New("wrong bytes")
			}
			errs <- err
		})
	}
	<-s.arrived
	waitFor(t, "every Get to wait for the one request", func() bool { return c.Waiters(url) == n })
	close(s.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := s.hitsOf("/same.png"); got != 1 {
		t.Errorf("%d requests for %d concurrent Gets, want 1", got, n)
	}
}

func TestRefused(t *testing.T) {
	s := newServer(t)
	big := picture(2, 5000)
	cases := []struct {
		name string
		url  string
		want error
	}{
		{"declared too large", s.put("/big.png", big), imagecache.ErrTooLarge},
		{"too large without a length", s.put("/stream.png", big), imagecache.ErrTooLarge},
		{"a web page", s.put("/page.html", []byte("<html><body>hi</body></html>")), imagecache.ErrNotImage},
		{"a page that says it is a PNG", s.put("/liar.png", []byte("<html><body>hi</body></html>")), imagecache.ErrNotImage},
		{"SVG", s.put("/liar-svg.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)), imagecache.ErrNotImage},
		{"not found", s.URL + "/missing.png?sig=SECRET", imagecache.ErrStatus},
		{"not http", "file:///etc/passwd", imagecache.ErrBadURL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := open(t, t.TempDir(), imagecache.Options{MaxItem: 4096})
			_, err := c.Get(t.Context(), tc.url)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Get: %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q holds the URL's query", err)
			}
			if size, n := c.Size(); size != 0 || n != 0 {
				t.Errorf("kept %d files (%d bytes) of a refused fetch", n, size)
			}
		})
	}
}

// A Get whose context ends returns at once, and the request is abandoned
// when no other Get waits for it.
func TestGetCancelled(t *testing.T) {
	s := newServer(t)
	url := s.put("/slow.png", picture(3, 1000))
	c := open(t, t.TempDir(), imagecache.Options{})
	s.hold()

	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { _, err := c.Get(ctx, url); errc <- err }()
	<-s.arrived
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Get: %v, want context.Canceled", err)
	}
	select {
	case <-s.gone:
	case <-time.After(20 * time.Second):
		t.Fatal("the request went on with nobody waiting for it")
	}

	close(s.gate)
	if _, err := c.Get(t.Context(), url); err != nil { // a new Get starts afresh
		t.Fatalf("Get after a cancelled one: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A smaller budget set while the cache is open frees the disk at once,
// least recently used first; a larger one lets more pictures stay.
func TestSetBudget(t *testing.T) {
	s := newServer(t)
	var urls []string
	for i, name := range []string{"a", "b", "c", "d"} {
		urls = append(urls, s.put("/"+name+".png", picture(byte(i), 1000)))
	}
	dir := t.TempDir()
	c := open(t, dir, imagecache.Options{Budget: 3500, Now: tick()})
	for _, u := range urls[:3] {
		get(t, c, u)
	}
	get(t, c, urls[0]) // b is now the least recently used
	c.SetBudget(2500)
	if size, n := c.Size(); n != 2 || size > 2500 {
		t.Fatalf("after SetBudget(2500): %d bytes, %d files; want 2 within 2500", size, n)
	}
	if files, err := os.ReadDir(dir); err != nil || len(files) != 2 {
		t.Fatalf("folder after SetBudget(2500): %d files, %v; want 2", len(files), err)
	}
	get(t, c, urls[0])
	get(t, c, urls[2])
	if n := s.hitsOf("/a.png") + s.hitsOf("/c.png"); n != 2 {
		t.Errorf("a and c fetched %d times in all, want 2 (they were kept)", n)
	}
	c.SetBudget(0) // the default: room for all
	get(t, c, urls[1])
	get(t, c, urls[3])
	if _, n := c.Size(); n != 4 {
		t.Errorf("with the default budget: %d files, want 4", n)
	}
}
