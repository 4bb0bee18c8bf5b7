package ui

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // pictures in threads: GIF, JPEG, PNG, WebP
	_ "image/jpeg"
	_ "image/png"
	"log/slog"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// Images fetches the pictures of attachments. The UI calls it only from
// its own workers, never on the UI goroutine: a call may wait for the
// network.
type Images interface {
	// Image returns the encoded picture (PNG, JPEG, GIF or WebP) at url.
	Image(ctx context.Context, url string) ([]byte, error)
}

// Thumbnails are at most this size, the picture's aspect kept, and never
// larger than the picture.
const (
	thumbMaxW, thumbMaxH = 240, 180
	// thumbDensity is how many pixels a thumbnail keeps per unit of its
	// size, so that it stays sharp on a HiDPI screen.
	thumbDensity = 2
	// maxPixels refuses pictures that would take too much memory to
	// decode (a small file can declare a huge picture).
	maxPixels = 40_000_000
	// thumbMemory is the most the decoded thumbnails held in memory
	// take, in bytes; the encoded pictures are on disk.
	thumbMemory = 32 << 20
	// imageWorkers fetch and decode at once, at most.
	imageWorkers = 2
	// retryFailed is how long a picture that could not be loaded shows as
	// a link before it is asked for again.
	retryFailed = 5 * time.Minute
)

var errTooManyPixels = errors.New("picture too large to show")

// thumb is a loaded picture: decoded and shrunk, or the reason it could
// not be.
type thumb struct {
	url  string
	img  image.Image // nil when it failed
	size fyne.Size   // the size to show it at
	err  error
	at   time.Time // when it was loaded
}

// imageLoader fetches and decodes pictures on a few workers and hands
// them to the UI goroutine. The newest request is served first: the
// thread opens at its end, where the merchant looks.
type imageLoader struct {
	src   Images
	do    func(func()) // runs on the UI goroutine
	ready func(*thumb) // on the UI goroutine, when a picture is loaded
	now   func() time.Time
	log   *slog.Logger

	mu     sync.Mutex
	queue  []string                 // waiting to be fetched, newest last
	busy   map[string]bool          // queued or being fetched
	done   map[string]*list.Element // of *thumb, most recently used first
	lru    *list.List
	memory int
	wake   chan struct{}
}

func newImageLoader(src Images, do func(func()), now func() time.Time, log *slog.Logger) *imageLoader {
	return &imageLoader{
		src: src, do: do, now: now, log: log,
		busy: map[string]bool{}, done: map[string]*list.Element{}, lru: list.New(),
		wake: make(chan struct{}, 1),
	}
}

// get returns the loaded picture of url, and asks for it when there is
// none yet (or it failed a while ago). A nil result means: not yet.
func (l *imageLoader) get(url string) *thumb {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.done[url]; ok {
		th := el.Value.(*thumb)
		if th.img != nil || l.now().Sub(th.at) < retryFailed {
			l.lru.MoveToFront(el)
			return th
		}
		l.forgetLocked(el)
	}
	if !l.busy[url] {
		l.busy[url] = true
		l.queue = append(l.queue, url)
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// drop forgets the pictures asked for and not yet being fetched: the
// merchant opened another conversation.
func (l *imageLoader) drop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range l.queue {
		delete(l.busy, u)
	}
	l.queue = nil
}

// run fetches what is asked for until ctx ends.
func (l *imageLoader) run(ctx context.Context) {
	for {
		url, ok := l.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
			}
			continue
		}
		th := l.load(ctx, url)
		if ctx.Err() != nil {
			return
		}
		l.do(func() { l.finish(th) })
	}
}

func (l *imageLoader) next() (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.queue)
	if n == 0 {
		return "", false
	}
	url := l.queue[n-1]
	l.queue = l.queue[:n-1]
	if n > 1 { // more for the other workers
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	return url, true
}

func (l *imageLoader) load(ctx context.Context, url string) *thumb {
	th := &thumb{url: url, at: l.now()}
	data, err := l.src.Image(ctx, url)
	if err == nil {
		th.img, th.size, err = decodeThumb(data)
	}
	if err != nil {
		th.err = err
		if ctx.Err() == nil {
			l.log.Info("a picture is shown as a link", "err", err)
		}
	}
	return th
}

// finish keeps th and shows it (on the UI goroutine).
func (l *imageLoader) finish(th *thumb) {
	l.mu.Lock()
	delete(l.busy, th.url)
	if el, ok := l.done[th.url]; ok {
		l.forgetLocked(el)
	}
	l.done[th.url] = l.lru.PushFront(th)
	l.memory += thumbBytes(th)
	for l.memory > thumbMemory && l.lru.Len() > 1 {
		l.forgetLocked(l.lru.Back())
	}
	l.mu.Unlock()
	if l.ready != nil {
		l.ready(th)
	}
}

func (l *imageLoader) forgetLocked(el *list.Element) {
	th := el.Value.(*thumb)
	l.lru.Remove(el)
	delete(l.done, th.url)
	l.memory -= thumbBytes(th)
}

func thumbBytes(th *thumb) int {
	if th.img == nil {
		return 0
	}
	b := th.img.Bounds()
	return b.Dx() * b.Dy() * 4
}

// decodeThumb decodes a picture and shrinks it to what a thumbnail
// shows, so that a large photo does not stay in memory whole.
func decodeThumb(data []byte) (image.Image, fyne.Size, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fyne.Size{}, fmt.Errorf("reading a picture: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, fyne.Size{}, fmt.Errorf("%w: %d×%d", errTooManyPixels, cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fyne.Size{}, fmt.Errorf("reading a picture: %w", err)
	}
	size := fitSize(float32(cfg.Width), float32(cfg.Height), thumbMaxW, thumbMaxH)
	w, h := int(size.Width*thumbDensity+0.5), int(size.Height*thumbDensity+0.5)
	if w >= cfg.Width || h >= cfg.Height {
		return src, size, nil // small already
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst, size, nil
}

// fitSize is w×h shrunk (never grown) to fit in maxW×maxH, aspect kept.
func fitSize(w, h, maxW, maxH float32) fyne.Size {
	if w <= 0 || h <= 0 {
		return fyne.Size{}
	}
	scale := min(maxW/w, maxH/h, 1)
	round := func(v float32) float32 { return max(float32(math.Round(float64(v))), 1) }
	return fyne.NewSize(round(w*scale), round(h*scale))
}
