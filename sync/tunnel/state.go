package tunnel

import (
	"sync"
	"time"
)

// State is a snapshot of a Supervisor, for `status` and the tray:
// "webhooks on at URL" when Up, otherwise "reconnecting (LastError)", or
// "starting" while LastError is still empty.
type State struct {
	// Up reports whether an endpoint is open and being served.
	Up bool
	// URL is the public URL while Up, and empty otherwise.
	URL string
	// LastError says why the endpoint is down or could not be opened, or
	// why Run stopped with an error; it is empty while Up, before the
	// first failure, and after Run stopped because its context ended.
	LastError string
	// Since is when Up last changed (or Run started).
	Since time.Time
	// Reconnects counts the endpoints opened after the first one.
	Reconnects int
}

// stateBox guards the State that Run writes and State reads.
type stateBox struct {
	mu    sync.Mutex
	st    State
	wasUp bool // an endpoint has been up before: the next one is a reconnect
}

func (b *stateBox) get() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.st
}

func (b *stateBox) starting() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.st = State{Since: time.Now(), Reconnects: b.st.Reconnects}
}

func (b *stateBox) up(url string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wasUp {
		b.st.Reconnects++
	}
	b.wasUp = true
	b.st.Up, b.st.URL, b.st.LastError, b.st.Since = true, url, "", time.Now()
}

func (b *stateBox) down(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.st.Up {
		b.st.Since = time.Now()
	}
	b.st.Up, b.st.URL, b.st.LastError = false, "", err.Error()
}

// stopped records the end of Run, and its error if it had one.
func (b *stateBox) stopped(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.st.Up, b.st.URL, b.st.LastError, b.st.Since = false, "", "", time.Now()
	if err != nil {
		b.st.LastError = err.Error()
	}
}
