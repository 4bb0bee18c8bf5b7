package shopifytest

import "fmt"

// owner is what a Server needs of whoever runs it: a testing.TB in a test,
// panicOwner outside one.
type owner interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Standalone starts a fake on 127.0.0.1 outside a test, for a program
// that plays Shopify for the real app (the demo sandbox). A call that
// would fail a test (UpdateProduct of an unknown product) panics instead:
// it is a bug in that program. Close stops it.
func Standalone() *Server { return newServer(panicOwner{}) }

// Close stops a Standalone fake, waiting for the requests under way.
func (s *Server) Close() { s.hs.Close() }

// panicOwner fails by panicking.
type panicOwner struct{}

func (panicOwner) Helper() {}

func (panicOwner) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
