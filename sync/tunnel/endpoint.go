package tunnel

import (
	"context"
	"net"
)

// Endpoint is a listener with the public URL that reaches it.
//
// Closing it ends the endpoint for good: an Opener opens a fresh one.
type Endpoint interface {
	net.Listener
	// URL is the base URL, without a trailing slash, at which the outside
	// world reaches this listener, such as https://shop-inbox.ngrok.app.
	URL() string
}

// Opener opens one endpoint; it is the seam tests replace.
//
// The context given to Open bounds the endpoint's whole life, not only the
// opening: an ngrok endpoint lives exactly as long as the agent session
// started under that context. So never pass a context with a timeout; to
// end an endpoint, close it or cancel the context.
type Opener interface {
	Open(ctx context.Context) (Endpoint, error)
}
