package ui

import "time"

// Status is the engine's state as the tray and the status bar tell it.
type Status struct {
	Shop  string // Shopify shop domain, "" when none (the products panel will say so)
	Pages int    // Facebook pages connected
	// NeedsSignIn names the pages whose token Meta reported dead.
	NeedsSignIn []string
	Tunnel      Tunnel
	Sync        SyncStatus

	// Keychain is why the OS keychain cannot be used (locked, absent),
	// "" when it answers. Nothing syncs until it does; what is stored
	// stays readable.
	Keychain string
	// Stopped is why the engine stopped for another reason (its port
	// taken), "" while it runs or starts.
	Stopped string
	// ShopUninstalled is the shop whose owner uninstalled the app from
	// Shopify, "" when none was.
	ShopUninstalled string
	// PageErrors are the pages whose last sync failed.
	PageErrors []PageError
}

// PageError is a page whose last sync failed, and why.
type PageError struct {
	Page, Reason string
}

// TunnelState is the state of the public endpoint that webhooks reach.
type TunnelState int

const (
	TunnelOff        TunnelState = iota // not configured: polling only
	TunnelConnecting                    // starting or reconnecting
	TunnelUp                            // webhooks arrive at URL
	TunnelDown                          // failed; Reason says why
)

// Tunnel is the public endpoint.
type Tunnel struct {
	State  TunnelState
	URL    string
	Reason string
}

// SyncStatus follows the poll.
type SyncStatus struct {
	Running bool
	// Page of Pages is where a running poll stands (1-based; Page 0
	// before the first page).
	Page, Pages int
	Last        time.Time // when the last poll finished; zero if never
	LastErr     string    // why the last poll failed, "" if it did not
	Next        time.Time // the next scheduled poll; zero if none
}

// Webhooks reports whether messages arrive live rather than by polling.
func (s Status) Webhooks() bool { return s.Tunnel.State == TunnelUp }
