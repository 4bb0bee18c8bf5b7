package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const statusUsage = `status [--json]

Shows the data directory, which secrets the keychain holds, every page with
its last sync, and how much is stored.`

type statusOptions struct {
	json bool
}

// statusReport is the output of status; its JSON form is stable.
type statusReport struct {
	DataDir      string             `json:"data_dir"`
	Database     string             `json:"database"`
	Keychain     map[string]string  `json:"keychain"` // name -> "set" | "missing" | "unavailable"
	LastFullPoll *time.Time         `json:"last_full_poll"`
	Connections  []store.Connection `json:"connections"`
	Shop         *store.Shop        `json:"shop,omitempty"`
	NgrokDomain  string             `json:"ngrok_domain,omitempty"`
	Pages        []pageStatus       `json:"pages"`
	Stats        store.Stats        `json:"stats"`
	// Running describes the serve that answered, when status ran inside
	// one (see control.go).
	Running *runState `json:"running,omitempty"`
}

type pageStatus struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Category    string     `json:"category,omitempty"`
	Token       string     `json:"token"` // "set" | "missing" | "unavailable"
	NeedsLogin  bool       `json:"needs_login"`
	LastSuccess *time.Time `json:"last_success"`
	LastError   string     `json:"last_error,omitempty"`
}

func runStatus(ctx context.Context, e *env, args []string) error {
	var o statusOptions
	fs := e.flags("status", statusUsage)
	fs.BoolVar(&o.json, "json", false, "print JSON")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("status: unexpected argument %q", fs.Arg(0))
	}
	st, release, err := e.openStore()
	if errors.Is(err, store.ErrLocked) {
		// A serve holds the database but did not answer on its control
		// socket: report what it published about itself.
		if rs, ok, rerr := e.cfg.readRunState(); rerr == nil && ok {
			return printRunning(e, o.json, rs)
		}
	}
	if err != nil {
		return err
	}
	defer release()
	rep, err := buildStatus(ctx, e.cfg, st)
	if err != nil {
		return err
	}
	if e.host != nil {
		if rs, ok, err := e.cfg.readRunState(); err == nil && ok {
			rep.Running = &rs
		}
	}
	if o.json {
		return writeJSON(e.Stdout, rep)
	}
	printStatus(e, rep)
	return nil
}

func buildStatus(ctx context.Context, cfg config, st *store.Store) (statusReport, error) {
	sec := cfg.secrets()
	rep := statusReport{DataDir: cfg.dataDir, Database: cfg.dbPath(), Keychain: map[string]string{}, Pages: []pageStatus{}}
	for _, n := range statusSecrets() {
		rep.Keychain[string(n)] = presence(ctx, sec, n)
	}
	last, err := st.LastFullPoll(ctx)
	if err != nil {
		return rep, err
	}
	rep.LastFullPoll = timePtr(last)
	if rep.Connections, err = st.Connections(ctx); err != nil {
		return rep, err
	}
	if rep.Connections == nil {
		rep.Connections = []store.Connection{}
	}
	set, err := st.Settings(ctx)
	if err != nil {
		return rep, err
	}
	rep.NgrokDomain = set.NgrokDomain
	if sh, err := st.Shop(ctx); err == nil {
		rep.Shop = &sh
	} else if !errors.Is(err, store.ErrNotFound) {
		return rep, err
	}
	if rep.Stats, err = st.Stats(ctx); err != nil {
		return rep, err
	}
	pages, err := st.Pages(ctx)
	if err != nil {
		return rep, err
	}
	for _, p := range pages {
		ss, err := st.SyncState(ctx, p.ID)
		if err != nil {
			return rep, err
		}
		rep.Pages = append(rep.Pages, pageStatus{
			ID: p.ID, Name: p.Name, Category: p.Category, NeedsLogin: p.NeedsLogin,
			Token:       presence(ctx, sec, secrets.PageToken(p.ID)),
			LastSuccess: timePtr(ss.LastSuccess), LastError: ss.LastError,
		})
	}
	return rep, nil
}

// runningReport is status's output while the engine runs.
type runningReport struct {
	DataDir string   `json:"data_dir"`
	Running runState `json:"running"`
}

func printRunning(e *env, asJSON bool, rs runState) error {
	if asJSON {
		return writeJSON(e.Stdout, runningReport{DataDir: e.cfg.dataDir, Running: rs})
	}
	fmt.Fprintf(e.Stdout, "Data:      %s\n", e.cfg.dataDir)
	printRunningLines(e.Stdout, rs)
	fmt.Fprintln(e.Stdout, "(the running engine holds the database; stop it for pages and counts)")
	return nil
}

func printRunningLines(w io.Writer, rs runState) {
	fmt.Fprintf(w, "Running:   pid %d since %s, listening on %s\n", rs.PID, when(rs.Started), rs.Listen)
	if rs.PublicURL != "" {
		fmt.Fprintf(w, "Public:    %s\n", rs.PublicURL)
	}
	if rs.Tunnel != "" {
		fmt.Fprintf(w, "Tunnel:    %s\n", rs.Tunnel)
	}
	fmt.Fprintf(w, "Webhooks:  %s\n", rs.Webhooks)
	if !rs.NextPoll.IsZero() {
		fmt.Fprintf(w, "Next poll: %s\n", when(rs.NextPoll))
	}
}

// statusSecrets are the app-wide secrets whose presence status reports.
func statusSecrets() []secrets.Name {
	return []secrets.Name{
		secrets.FacebookAppID, secrets.FacebookAppSecret, secrets.FacebookVerifyToken,
		secrets.ShopifyClientID, secrets.ShopifyClientSecret, secrets.ShopifyToken, secrets.NgrokAuthtoken,
	}
}

// presence says whether the keychain holds n without ever reading the
// value into the report.
func presence(ctx context.Context, s *secrets.Store, n secrets.Name) string {
	_, err := s.Get(ctx, n)
	switch {
	case err == nil:
		return "set"
	case errors.Is(err, secrets.ErrNotFound):
		return "missing"
	}
	return "unavailable"
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func printStatus(e *env, r statusReport) {
	w := e.Stdout
	fmt.Fprintf(w, "Data:      %s\n", r.DataDir)
	if r.Running != nil {
		printRunningLines(w, *r.Running)
	}
	fmt.Fprintf(w, "Stored:    %d pages, %d conversations, %d messages, %d products\n",
		r.Stats.Pages, r.Stats.Conversations, r.Stats.Messages, r.Stats.Products)
	last := time.Time{}
	if r.LastFullPoll != nil {
		last = *r.LastFullPoll
	}
	fmt.Fprintf(w, "Last sync: %s\n", when(last))
	fmt.Fprint(w, "Keychain: ")
	for _, n := range statusSecrets() {
		fmt.Fprintf(w, " %s %s;", n, r.Keychain[string(n)])
	}
	fmt.Fprintln(w)
	switch {
	case r.Running != nil:
		// The running engine said what its webhooks and tunnel are.
	case r.Keychain["facebook-app-secret"] != "set" || r.Keychain["facebook-verify-token"] != "set":
		fmt.Fprintln(w, "Webhooks:  facebook off (needs facebook-app-secret and facebook-verify-token); polling only")
	}
	switch {
	case r.Running != nil:
	case r.Keychain["ngrok-authtoken"] != "set":
		fmt.Fprintln(w, "Tunnel:    off (no ngrok-authtoken): webhooks reach only the local address")
	case r.NgrokDomain != "":
		fmt.Fprintf(w, "Tunnel:    ngrok static domain https://%s\n", r.NgrokDomain)
	}
	for _, c := range r.Connections {
		state := "connected " + when(c.ConnectedAt)
		if c.Disconnected {
			state = "disconnected " + when(c.DisconnectedAt)
			if c.Note != "" {
				state += " (" + c.Note + ")"
			}
		}
		fmt.Fprintf(w, "%-10s %s, %s\n", strings.ToUpper(c.Provider[:1])+c.Provider[1:]+":", c.Account, state)
	}
	if r.Shop != nil {
		fmt.Fprintf(w, "Shop:      %s (%s), %s, %d products\n", r.Shop.Name, r.Shop.Domain, r.Shop.Currency, r.Stats.Products)
	}
	if len(r.Pages) == 0 {
		fmt.Fprintln(w, "Facebook:  no pages; run 'merchant-inbox connect facebook' or 'secrets set facebook-page-token:<PAGE_ID>'")
		return
	}
	fmt.Fprintln(w, "Facebook pages:")
	for _, p := range r.Pages {
		state := "ok"
		switch {
		case p.NeedsLogin:
			state = "needs login"
		case p.Token != "set":
			state = "token " + p.Token
		case p.LastError != "":
			state = "last sync failed: " + p.LastError
		}
		ls := time.Time{}
		if p.LastSuccess != nil {
			ls = *p.LastSuccess
		}
		name := p.Name
		if name == "" {
			name = "(not synced yet)"
		}
		fmt.Fprintf(w, "  %s  %s  last sync %s  %s\n", p.ID, name, when(ls), state)
	}
}
