package app

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
)

// Environment variables that point the app somewhere else than the real
// services and the merchant's own data: for the sandbox and for tests.
const (
	EnvDataDir         = "MERCHANT_INBOX_DATA_DIR"
	EnvGraphURL        = "MERCHANT_INBOX_GRAPH_URL"
	EnvFacebookWebURL  = "MERCHANT_INBOX_FACEBOOK_WEB_URL"
	EnvShopifyURL      = "MERCHANT_INBOX_SHOPIFY_URL"
	EnvKeyringService  = "MERCHANT_INBOX_KEYRING_SERVICE"
	EnvLog             = "MERCHANT_INBOX_LOG" // log level: debug, info, warn (default) or error
	dbFileName         = "inbox.db"
	storeLockTimeout   = time.Second
	graphClientTimeout = 60 * time.Second
)

// EnvLabel names a sandboxed instance in its window title ("Demo" gives
// "Merchant Inbox — Demo"), so that it is never taken for the real one.
const EnvLabel = "MERCHANT_INBOX_LABEL"

// Invocation is everything a command reads from the outside world, so
// tests run commands in-process with their own input, output and
// environment.
type Invocation struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Tunnel, when set, is the public endpoint serve opens instead of the
	// one its flags pick. Tests use it to drop the tunnel under a running
	// serve; nil in the program.
	Tunnel tunnel.Opener
}

// config is the resolved environment every command starts from.
type config struct {
	dataDir        string
	graphURL       string
	facebookWebURL string
	shopifyURL     string // empty: each shop's own https://{shop}
	keyringService string
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		dataDir:        getenv(EnvDataDir),
		graphURL:       getenv(EnvGraphURL),
		facebookWebURL: getenv(EnvFacebookWebURL),
		shopifyURL:     getenv(EnvShopifyURL),
		keyringService: getenv(EnvKeyringService),
	}
	if c.dataDir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return c, fmt.Errorf("find the data directory (set %s): %w", EnvDataDir, err)
		}
		c.dataDir = filepath.Join(dir, "merchant-inbox")
	}
	if c.graphURL == "" {
		c.graphURL = facebook.DefaultBaseURL
	}
	if c.facebookWebURL == "" {
		c.facebookWebURL = facebook.DefaultWebURL
	}
	if c.keyringService == "" {
		c.keyringService = secrets.DefaultService
	}
	return c, nil
}

func (c config) dbPath() string { return filepath.Join(c.dataDir, dbFileName) }

// openStore opens the database in the private data directory. A second
// instance gets store.ErrLocked within a second.
func (c config) openStore(log *slog.Logger) (*store.Store, error) {
	if err := c.ensureDataDir(); err != nil {
		return nil, err
	}
	return store.Open(c.dbPath(), store.Options{Timeout: storeLockTimeout, Logger: log})
}

// ensureDataDir creates the data directory private to the user (0700), and
// makes it private when it exists with wider permissions (made by hand, by
// an older version, restored from a backup). It holds the database and the
// control socket, through which serve runs commands for whoever can
// connect: nobody else may even look inside. On Windows the mode only
// clears a read-only attribute; the profile directory's ACL keeps others
// out there.
func (c config) ensureDataDir() error {
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	fi, err := os.Stat(c.dataDir)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(c.dataDir, 0o700); err != nil {
			return fmt.Errorf("make the data directory %s private: %w", c.dataDir, err)
		}
	}
	return nil
}

func (c config) secrets() *secrets.Store { return secrets.New(c.keyringService) }

// graph returns a Graph API client. The app secret, when the merchant has
// stored one, signs every call with appsecret_proof.
func (c config) graph(appSecret string) *facebook.Client {
	return facebook.NewClient(facebook.Options{
		BaseURL:    c.graphURL,
		HTTPClient: &http.Client{Timeout: graphClientTimeout},
		AppSecret:  appSecret,
	})
}
