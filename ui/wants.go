package ui

import (
	"sync"
	"time"
)

// wants is what the merchant asked the window for: written by widget
// callbacks on the UI goroutine, read by the loop. Callbacks only record
// and wake the loop, so no click ever waits for a read.
type wants struct {
	mu       sync.Mutex
	pageID   string    // page filter, "" for all
	query    string    // search text
	queryAt  time.Time // when it last changed (the loop waits for a pause)
	rows     int       // how many list rows are wanted (grows on scrolling)
	selected ConversationRef
	older    int // requests for older messages, counted

	// The products panel: shown or not, and its search.
	productsOpen   bool
	productQuery   string
	productQueryAt time.Time
	// Drafts to keep, by conversation, and when they are due (typing
	// pauses first); see loop_reply.go.
	drafts    map[ConversationRef]Draft
	draftsDue time.Time
}

// wantsNow is a copy of wants taken by the loop.
type wantsNow struct {
	pageID, query string
	queryAt       time.Time
	rows          int
	selected      ConversationRef
	older         int

	productsOpen   bool
	productQuery   string
	productQueryAt time.Time
}

// want changes what is wanted and wakes the loop. It never blocks.
func (a *App) want(change func(*wants)) {
	a.wants.mu.Lock()
	change(&a.wants)
	a.wants.mu.Unlock()
	a.poke()
}

// poke wakes the loop without waiting: one pending wake-up is enough.
func (a *App) poke() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

func (a *App) wanted() wantsNow {
	a.wants.mu.Lock()
	defer a.wants.mu.Unlock()
	w := &a.wants
	return wantsNow{pageID: w.pageID, query: w.query, queryAt: w.queryAt, rows: w.rows, selected: w.selected, older: w.older,
		productsOpen: w.productsOpen, productQuery: w.productQuery, productQueryAt: w.productQueryAt}
}
