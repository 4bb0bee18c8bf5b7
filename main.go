// Command merchant-inbox is the Merchant Inbox desktop app and its headless CLI.
package main

import (
	"os"

	"github.com/merchant-inbox/merchant-inbox/app"
)

func main() {
	os.Exit(app.Main(os.Args))
}
