package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
)

// ErrShopifyNotConnected names its remedy as a value, for the command line
// and the window to offer each in its own way, and no command.
func TestShopifyNotConnectedCarriesItsFix(t *testing.T) {
	err := fmt.Errorf("shop acme.myshopify.com: %w", ErrShopifyNotConnected)
	if f, ok := fix.Of(err); !ok || f.Action != fix.ConnectShopify {
		t.Errorf("fix.Of = %+v, %t; want ConnectShopify", f, ok)
	}
	if strings.Contains(err.Error(), "merchant-inbox") {
		t.Errorf("the error names a command: %v", err)
	}
}
