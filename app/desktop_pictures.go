package app

import (
	"context"
	"net/http"
	"path/filepath"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/imagecache"
)

// picturesDir is the folder of the data directory that holds the
// pictures threads show, and picturesTimeout how long one fetch may take.
const (
	picturesDir     = "images"
	picturesTimeout = 20 * time.Second
)

// pictures is the window's ui.Images: attachment pictures, fetched once
// into the data directory and read from there afterwards. The window
// asks only for the URLs of attachments the store holds.
type pictures struct{ cache *imagecache.Cache }

// openPictures opens the picture cache in dataDir (at most
// imagecache.DefaultBudget bytes on disk).
func openPictures(dataDir string) (pictures, error) {
	c, err := imagecache.Open(filepath.Join(dataDir, picturesDir), imagecache.Options{
		Client: &http.Client{Timeout: picturesTimeout},
	})
	return pictures{c}, err
}

// Image implements ui.Images.
func (p pictures) Image(ctx context.Context, url string) ([]byte, error) {
	return p.cache.Get(ctx, url)
}
