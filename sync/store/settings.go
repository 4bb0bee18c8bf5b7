package store

import (
	"context"
	"fmt"
)

// Settings are the merchant's choices that are neither secrets (those live
// in the keychain) nor synced data, kept so the next start (and the tray)
// uses them without flags.
type Settings struct {
	// NgrokDomain is the static ngrok domain the tunnel uses; empty means
	// a new URL on every connect.
	NgrokDomain string `json:"ngrok_domain,omitempty"`
	// Listen is the local address of the webhook endpoints; empty means
	// the default.
	Listen string `json:"listen,omitempty"`
	// PollAt is the local time of the daily poll, "HH:MM"; empty means
	// the default.
	PollAt string `json:"poll_at,omitempty"`
	// NoTunnel keeps the tunnel closed even with an authtoken: polling only.
	NoTunnel bool `json:"no_tunnel,omitempty"`
	// NotificationsOff silences desktop notifications. Stored negated so
	// that the default, and every database from before the setting, is on.
	NotificationsOff bool `json:"notifications_off,omitempty"`
	// ImageCacheMB is the most disk the pictures shown in threads take,
	// in megabytes; 0 means the default (200 MB).
	ImageCacheMB int `json:"image_cache_mb,omitempty"`
}

// Settings returns the stored settings; zero when none were saved.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	if err := ctx.Err(); err != nil {
		return Settings{}, fmt.Errorf("store: settings: %w", err)
	}
	var st Settings
	err := s.view(func(b buckets) error {
		_, err := getJSON(b.meta, []byte(metaSettings), &st)
		return err
	})
	if err != nil {
		return Settings{}, fmt.Errorf("store: settings: %w", err)
	}
	return st, nil
}

// PutSettings replaces the stored settings.
func (s *Store) PutSettings(ctx context.Context, st Settings) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: put settings: %w", err)
	}
	err := s.write(func(t *txn) error {
		return putIfChanged(t.meta, []byte(metaSettings), st)
	})
	if err != nil {
		return fmt.Errorf("store: put settings: %w", err)
	}
	return nil
}
