package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/internal/wait"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Graph is the part of the Graph API a poll reads.
type Graph interface {
	Page(ctx context.Context, pageID, token string) (facebook.Page, error)
	WalkConversations(pageID, token string, q facebook.ConversationQuery) *facebook.ConversationWalk
	Conversation(ctx context.Context, conversationID, token string, q facebook.ConversationQuery) (facebook.Conversation, error)
	MoreMessages(c facebook.Conversation, token string, pageSize int) *facebook.Pages[facebook.Message]
	UserProfile(ctx context.Context, psid, token string) (facebook.UserProfile, error)
}

// Tokens reads page tokens from wherever they are kept (the keychain).
type Tokens interface {
	Get(ctx context.Context, name secrets.Name) (string, error)
}

var (
	// ErrPollRunning: a poll was asked for while another is still running.
	ErrPollRunning = errors.New("a sync is already running")
	// ErrNeedsLogin: the page's token was reported dead; the page is not
	// polled again until a new token is stored. Its remedy is a Facebook
	// sign-in (see package fix).
	ErrNeedsLogin error = needsLoginError{}
	// ErrNoToken: the keychain has no token for the page.
	ErrNoToken = errors.New("no page token in the keychain")
)

// PollerOptions configures a Poller. Store, Graph and Tokens are required.
type PollerOptions struct {
	Store  *store.Store
	Graph  Graph
	Tokens Tokens
	Logger *slog.Logger
	// Notify is told how a poll goes (PollStarted, PollProgress at most a
	// few times a second, RateLimitWait, PollFinished) and what it stored
	// (MessageStored, ConversationChanged, PageChanged, PageNeedsLogin).
	// It is called from the poll's goroutines and must not block.
	Notify func(Event)

	// Concurrency bounds how many conversations' messages are fetched at
	// once (default 4): enough to hide latency, few enough to stay far
	// from Meta's per-page rate limits.
	Concurrency int
	// PageSize is the Graph `limit` per request (default 50): conversations
	// per list call, messages per call of a conversation's own.
	PageSize int
	// SkimPageSize is the `limit` of the conversation pages a resumed walk
	// passes over, which carry only ids and times (default 100).
	SkimPageSize int
	// NestedMessages is how many of each conversation's newest messages
	// the list call carries (default 10, chosen by measurement: see
	// docs/benchmarks.md). Only a conversation with more to read than that
	// costs calls of its own. Negative: none nested.
	NestedMessages int
	// Overlap is how far before the last successful poll an incremental
	// poll looks again (default 10 min), covering clock skew between Meta
	// and this machine. Re-reading is harmless: writes are idempotent.
	Overlap time.Duration
	// MaxRateLimitWait is the longest rate-limit pause a poll sits out
	// before giving the page up until the next poll (default 10 min, which
	// covers the client's 5-minute default when Meta gives no estimate).
	MaxRateLimitWait time.Duration
	// MaxRetries bounds rate-limit retries per request (default 6: Meta
	// may refuse a few calls in a row while saying the block is over, and
	// the client's pauses for those are short).
	MaxRetries int
	// Now and Sleep are the clock; tests replace them.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Poller reads pages, conversations and messages from the Graph API into
// the store: the safety net for every webhook that never arrived.
type Poller struct {
	o       PollerOptions
	running sync.Mutex
	// checkpointEvery is how many conversations a walk completes between
	// two saves of its checkpoint: what a killed process redoes at most.
	checkpointEvery int
}

// NewPoller returns a Poller with defaults filled in.
func NewPoller(o PollerOptions) *Poller {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Notify == nil {
		o.Notify = func(Event) {}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.PageSize <= 0 {
		o.PageSize = 50
	}
	if o.SkimPageSize <= 0 {
		o.SkimPageSize = 100
	}
	switch {
	case o.NestedMessages == 0:
		o.NestedMessages = 10
	case o.NestedMessages < 0:
		o.NestedMessages = 0
	}
	if o.Overlap <= 0 {
		o.Overlap = 10 * time.Minute
	}
	if o.MaxRateLimitWait <= 0 {
		o.MaxRateLimitWait = 10 * time.Minute
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 6
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = wait.Sleep
	}
	return &Poller{o: o, checkpointEvery: 100}
}

// PageReport is what one page's poll did.
type PageReport struct {
	PageID        string
	Name          string
	Conversations int // conversations read: changed since the last poll, or retried
	Messages      int // messages read from Graph
	Err           error
	// Skipped: the page was not polled on purpose (it needs sign-in, or
	// has no token); Err says why. It does not hold back LastFullPoll.
	Skipped bool
}

// Report is what a poll did, page by page.
type Report struct {
	Started  time.Time
	Finished time.Time
	Pages    []PageReport
}

// Err joins the page failures; nil when every page was polled.
func (r Report) Err() error {
	var errs []error
	for _, p := range r.Pages {
		if p.Err != nil {
			errs = append(errs, fmt.Errorf("page %s: %w", p.PageID, p.Err))
		}
	}
	return errors.Join(errs...)
}

// Poll polls the given pages, or every added page when none are given.
// A failing page is reported and does not stop the others; the returned
// error is only for a poll that could not run at all. Every poll that
// runs publishes PollStarted and, at its end, PollFinished.
func (p *Poller) Poll(ctx context.Context, pageIDs ...string) (rep Report, err error) {
	if !p.running.TryLock() {
		return Report{}, ErrPollRunning
	}
	defer p.running.Unlock()

	rep = Report{Started: p.o.Now()}
	run := p.newRun()
	pages, err := p.pages(ctx, pageIDs)
	run.started(len(pages))
	defer func() { run.finished(errors.Join(err, rep.Err())) }()
	if err != nil {
		return rep, err
	}
	allOK := true
	for i, pg := range pages {
		run.startPage(i+1, pg)
		pr := p.pollPage(ctx, run, pg, rep.Started)
		switch {
		case pr.Skipped:
			p.o.Logger.Info("page not polled", "page", pg.ID, "reason", pr.Err)
		case pr.Err != nil:
			allOK = false
			p.o.Logger.Warn("poll page failed", "page", pg.ID, "err", pr.Err)
		}
		rep.Pages = append(rep.Pages, pr)
		run.endPage(pr)
		if ctx.Err() != nil {
			break
		}
	}
	rep.Finished = p.o.Now()
	if allOK && len(pageIDs) == 0 && ctx.Err() == nil {
		if err := p.o.Store.SetLastFullPoll(ctx, rep.Started); err != nil {
			return rep, fmt.Errorf("record poll time: %w", err)
		}
	}
	return rep, ctx.Err()
}

func (p *Poller) pages(ctx context.Context, ids []string) ([]store.Page, error) {
	if len(ids) == 0 {
		pages, err := p.o.Store.Pages(ctx)
		if err != nil {
			return nil, fmt.Errorf("list pages: %w", err)
		}
		return pages, nil
	}
	pages := make([]store.Page, 0, len(ids))
	for _, id := range ids {
		pg, err := p.o.Store.Page(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", id, err)
		}
		pages = append(pages, pg)
	}
	return pages, nil
}

// RefreshPage refetches one page's metadata, as a `changes` webhook asks.
func (p *Poller) RefreshPage(ctx context.Context, pageID string) error {
	pg, err := p.o.Store.Page(ctx, pageID)
	if err != nil {
		return fmt.Errorf("page %s: %w", pageID, err)
	}
	token, err := p.token(ctx, pg)
	if err != nil {
		return err
	}
	run := p.newRun()
	_, err = p.pageMeta(ctx, run, pg.ID, token)
	return p.tokenDead(ctx, run, pg.ID, err)
}

// needsLoginError is ErrNeedsLogin: a comparable value, so errors.Is finds
// it, that carries the merchant's sentence and the fix.
type needsLoginError struct{}

func (needsLoginError) Error() string { return "page token is no longer valid" }

func (needsLoginError) UserMessage() string {
	return "Facebook no longer accepts this page's sign-in (it expired, or the password or the app's access changed): sign in to Facebook again."
}

func (needsLoginError) Fix() fix.Fix { return fix.Fix{Action: fix.SignInFacebook} }
