package app

import (
	"context"
	"net/http"
	"path/filepath"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/imagecache"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// picturesDir is the folder of the data directory that holds the
// pictures threads show, and picturesTimeout how long one fetch may take.
const (
	picturesDir     = "images"
	picturesTimeout = 20 * time.Second
)

// defaultImageCacheMB is the cache size when the merchant chose none;
// imagecache's own default, in the unit the settings show.
const defaultImageCacheMB = imagecache.DefaultBudget >> 20

// settingsReader is where pictures read the size the merchant chose.
type settingsReader interface {
	Settings(ctx context.Context) (store.Settings, error)
}

// pictures is the window's ui.Images: attachment pictures, fetched once
// into the data directory and read from there afterwards. The window
// asks only for the URLs of attachments the store holds.
type pictures struct {
	cache    *imagecache.Cache
	settings settingsReader
}

// openPictures opens the picture cache in dataDir, as large as the saved
// image cache size. Each picture asked for reads that setting again (one
// small read of the database), so a size changed in the settings, from
// the window or the command line, applies with the next picture shown,
// without a restart.
func openPictures(ctx context.Context, dataDir string, settings settingsReader) (pictures, error) {
	budget, _ := imageBudget(ctx, settings) // unreadable: the default
	c, err := imagecache.Open(filepath.Join(dataDir, picturesDir), imagecache.Options{
		Client: &http.Client{Timeout: picturesTimeout},
		Budget: budget,
	})
	return pictures{cache: c, settings: settings}, err
}

// Image implements ui.Images.
func (p pictures) Image(ctx context.Context, url string) ([]byte, error) {
	if budget, err := imageBudget(ctx, p.settings); err == nil {
		p.cache.SetBudget(budget)
	}
	return p.cache.Get(ctx, url)
}

// imageBudget is the saved image cache size in bytes; 0 means the
// default.
func imageBudget(ctx context.Context, settings settingsReader) (int64, error) {
	set, err := settings.Settings(ctx)
	if err != nil {
		return 0, err
	}
	return int64(set.ImageCacheMB) << 20, nil
}
