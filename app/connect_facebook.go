package app

import (
	"context"
	"fmt"
	"io"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
)

func connectFacebook(ctx context.Context, e *env, o connectOptions) error {
	// Open the database first: if the engine is running, fail before the
	// merchant clicks through a consent page for nothing.
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	_, err = e.connector(st, o.public, !o.noBrowser).ConnectFacebook(ctx,
		connect.FacebookOptions{Port: o.callbackPort(), Pages: o.pages},
		terminal{e: e, outro: func(w io.Writer, outcome string) {
			fmt.Fprintf(w, "%s Run 'merchant-inbox sync' to fetch their conversations.\n", outcome)
			fmt.Fprintln(w, "Meta delivers webhooks once 'merchant-inbox serve' has a public URL (the ngrok tunnel); until then the app polls.")
		}})
	return err
}
