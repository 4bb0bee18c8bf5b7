package app

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// bridge is the window's view of the engine: it implements ui.Inbox and
// ui.Actions over the engine and its store, and turns engine events into
// the UI's. It is the only place that knows both sides.
type bridge struct {
	eng *engine.Engine
	st  *store.Store
	// runErr is why the engine stopped, when it stopped on its own; the
	// window keeps showing what is stored.
	runErr func() error
	// nudge carries news the engine does not announce (runErr changed);
	// nil: none comes.
	nudge chan struct{}
	// now is the clock; nil: time.Now.
	now func() time.Time
}

// tunnelGrace is how long the tunnel may be down, reconnecting, before
// the window says webhooks are off: ngrok's own reconnects take seconds.
const tunnelGrace = 30 * time.Second

func (b *bridge) since(t time.Time) time.Duration {
	if b.now != nil {
		return b.now().Sub(t)
	}
	return time.Since(t)
}

// changed tells the window that the status changed outside the engine.
func (b *bridge) changed() {
	select {
	case b.nudge <- struct{}{}:
	default:
	}
}

func (b *bridge) Pages(ctx context.Context) ([]store.Page, error) { return b.st.Pages(ctx) }

func (b *bridge) Conversations(ctx context.Context, q ui.ConversationQuery) ([]ui.Conversation, string, error) {
	list, err := b.st.ConversationsPage(ctx, store.ConversationQuery{PageID: q.PageID, After: q.After, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]ui.Conversation, len(list.Items))
	for i, c := range list.Items {
		out[i] = uiConversation(c)
	}
	return out, list.Next, nil
}

func uiConversation(c store.Conversation) ui.Conversation {
	return ui.Conversation{Conversation: c, LastOutgoing: c.LastDirection == store.Outgoing}
}

func (b *bridge) Conversation(ctx context.Context, ref ui.ConversationRef) (ui.Conversation, error) {
	c, err := b.st.Conversation(ctx, ref.PageID, ref.PSID)
	return uiConversation(c), err
}

func (b *bridge) Messages(ctx context.Context, ref ui.ConversationRef, before string, limit int) ([]store.Message, string, error) {
	list, err := b.st.MessagesPage(ctx, ref.PageID, ref.PSID, before, limit)
	return list.Items, list.Older, err
}

func (b *bridge) Message(ctx context.Context, _ ui.ConversationRef, id string) (store.Message, error) {
	return b.st.Message(ctx, id)
}

func (b *bridge) Search(ctx context.Context, q ui.SearchQuery) ([]ui.SearchHit, string, error) {
	res, err := b.st.Search(ctx, store.SearchQuery{Text: q.Text, PageID: q.PageID, After: q.After, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	hits := make([]ui.SearchHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = ui.SearchHit{Conversation: uiConversation(h.Conversation), Message: h.Message}
	}
	return hits, res.Next, nil
}

func (b *bridge) SyncNow(context.Context) error { return b.eng.SyncNow() }

func (b *bridge) MarkRead(ctx context.Context, ref ui.ConversationRef) error {
	return b.eng.MarkRead(ctx, ref.PageID, ref.PSID)
}

func (b *bridge) Settings(ctx context.Context) (ui.Settings, error) {
	s, err := b.st.Settings(ctx)
	return uiSettings(s), err
}

// Status is the engine's snapshot in the tray's terms.
func (b *bridge) Status(ctx context.Context) (ui.Status, error) {
	snap, err := b.eng.Snapshot(ctx)
	if err != nil {
		return ui.Status{}, err
	}
	st := ui.Status{Pages: len(snap.Pages), Tunnel: b.tunnel(snap.State)}
	if err := b.runErr(); err != nil && !snap.Running {
		if errors.Is(err, secrets.ErrUnavailable) {
			st.Keychain = keychainWords(err)
		} else {
			st.Stopped = cmp.Or(plainMessage(err), err.Error())
		}
	}
	for _, c := range snap.Connections {
		if c.Provider != store.ProviderShopify {
			continue
		}
		if !c.Disconnected {
			st.Shop = c.Account
		} else if uninstalled(c) {
			st.ShopUninstalled = c.Account
		}
	}
	for _, p := range snap.Pages {
		name := cmp.Or(p.Page.Name, p.Page.ID)
		switch {
		case p.Page.Disconnected:
		case p.Page.NeedsLogin:
			st.NeedsSignIn = append(st.NeedsSignIn, name)
		case p.Sync.LastError != "":
			st.PageErrors = append(st.PageErrors, ui.PageError{Page: name, Reason: p.Sync.LastError})
		}
	}
	st.Sync = ui.SyncStatus{
		Running: snap.Polling,
		Page:    snap.Progress.Page,
		Pages:   snap.Progress.Pages,
		Last:    laterOf(snap.LastPoll, snap.LastFullPoll),
		LastErr: snap.LastPollErr,
		Next:    snap.NextPoll,
	}
	return st, nil
}

// tunnel says how webhooks reach the machine. Webhooks that cannot be
// verified (no app secret) are off whatever the tunnel does.
func (b *bridge) tunnel(s engine.State) ui.Tunnel {
	if !s.Running {
		reason := "the engine is starting"
		if err := b.runErr(); err != nil {
			reason = "the engine stopped: " + err.Error()
			return ui.Tunnel{State: ui.TunnelDown, Reason: reason}
		}
		return ui.Tunnel{State: ui.TunnelConnecting, Reason: reason}
	}
	if !s.Webhooks.Facebook {
		return ui.Tunnel{State: ui.TunnelOff, Reason: "Facebook webhooks need the app secret and verify token"}
	}
	switch t := s.Tunnel; t.Kind {
	case engine.TunnelIsUp:
		return ui.Tunnel{State: ui.TunnelUp, URL: t.URL}
	case engine.TunnelIsStarting:
		return ui.Tunnel{State: ui.TunnelConnecting}
	case engine.TunnelIsDown:
		// A drop that heals within tunnelGrace is routine reconnecting;
		// past it, webhooks are off and the merchant is told why.
		if t.Stopped || (!t.DownSince.IsZero() && b.since(t.DownSince) >= tunnelGrace) {
			return ui.Tunnel{State: ui.TunnelDown, Reason: t.Reason}
		}
		return ui.Tunnel{State: ui.TunnelConnecting, Reason: t.Reason}
	default:
		return ui.Tunnel{State: ui.TunnelOff, Reason: t.Reason}
	}
}

// events turns the engine's events into the window's until in closes,
// then closes out. A poll's message is live (worth a notification) only
// when it is newer than the poll before it: a first sync imports history.
func (b *bridge) events(ctx context.Context, in <-chan engine.Event, out chan<- ui.Event) {
	defer close(out)
	var since time.Time // the last full poll before the one under way
	send := func(ev ui.Event) bool {
		select {
		case out <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		var ev engine.Event
		select {
		case e, ok := <-in:
			if !ok {
				return
			}
			ev = e
		case <-b.nudge:
			if !send(ui.Event{Kind: ui.StatusChanged}) {
				return
			}
			continue
		}
		var u ui.Event
		switch ev.Kind {
		case engine.Resync:
			u = ui.Event{Kind: ui.Resync}
		case engine.MessageStored:
			live := ev.Source == engine.FromWebhook ||
				(ev.Source == engine.FromPoll && !since.IsZero() && ev.Created.After(since))
			u = ui.Event{Kind: ui.MessageArrived, Ref: ui.ConversationRef{PageID: ev.PageID, PSID: ev.PSID},
				MessageID: ev.MessageID, Incoming: ev.Direction == store.Incoming, Live: live}
		case engine.ConversationChanged:
			u = ui.Event{Kind: ui.ConversationChanged, Ref: ui.ConversationRef{PageID: ev.PageID, PSID: ev.PSID}}
		case engine.PageChanged, engine.PageNeedsLogin:
			if !send(ui.Event{Kind: ui.PagesChanged}) {
				return
			}
			u = ui.Event{Kind: ui.StatusChanged}
		case engine.CatalogueChanged:
			u = ui.Event{Kind: ui.ProductsChanged}
		case engine.TunnelDown:
			if b.eng != nil {
				b.recheckTunnel(b.eng.State().Tunnel)
			}
			u = ui.Event{Kind: ui.StatusChanged}
		case engine.PollStarted:
			if last, err := b.st.LastFullPoll(ctx); err == nil {
				since = last
			}
			u = ui.Event{Kind: ui.StatusChanged}
		default:
			u = ui.Event{Kind: ui.StatusChanged}
		}
		if !send(u) {
			return
		}
	}
}

// recheckTunnel has the window read the status again once a tunnel that
// is down, reconnecting, has been down for tunnelGrace: the engine
// announces each failed retry, but its backoff may leave no event at the
// moment the outage becomes worth telling.
func (b *bridge) recheckTunnel(t engine.TunnelState) {
	if t.Kind != engine.TunnelIsDown || t.Stopped || t.DownSince.IsZero() {
		return
	}
	if wait := tunnelGrace - b.since(t.DownSince); wait > 0 {
		time.AfterFunc(wait, b.changed)
	}
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
