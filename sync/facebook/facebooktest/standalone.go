package facebooktest

import (
	"encoding/json"
	"fmt"
)

// owner is what a Server needs of whoever runs it: a testing.TB in a test,
// panicOwner outside one.
type owner interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Standalone starts a fake on 127.0.0.1 outside a test, for a program
// that plays Meta for the real app (the demo sandbox). A call that would
// fail a test (AddMessage to a page never added) panics instead: it is a
// bug in that program. Close stops it.
func Standalone() *Server { return newServer(panicOwner{}) }

// Close stops a Standalone fake, waiting for the requests under way.
func (s *Server) Close() { s.hs.Close() }

// WebhookBody is the body Meta POSTs for m in the conversation of pageID
// with the customer psid, as Deliver sends it: for a program that posts
// to an endpoint it knows rather than to the app's subscription. m needs
// its ID and At; sign the body with SignBody. It does not add m to the
// fake: call AddMessage too, so a poll finds it.
func WebhookBody(pageID, psid string, m FakeMessage) ([]byte, error) {
	if m.ID == "" || m.At.IsZero() {
		return nil, fmt.Errorf("facebooktest: WebhookBody: the message needs an ID and a time")
	}
	return json.Marshal(webhookBody(pageID, psid, "", m))
}

// panicOwner fails by panicking.
type panicOwner struct{}

func (panicOwner) Helper() {}

func (panicOwner) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
