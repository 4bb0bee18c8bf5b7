package app

import "os"

// syncNowSignal returns a channel nothing sends on: Windows has no
// SIGUSR1. A merchant there asks a running serve to poll with
// `merchant-inbox sync`, which reaches it through the control socket.
func syncNowSignal() (c <-chan os.Signal, stop func()) {
	return nil, func() {}
}
