package app

import (
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// A value that cannot be the secret it is stored as is refused with the
// field's sentence, exit 2, and the keychain keeps what it had.
func TestSecretsSetRefusesAMalformedValue(t *testing.T) {
	h := newHarness(t)
	h.mustRun("1517776481860111\n", "secrets", "set", "facebook-app-id")
	h.mustRun("shpss_good_secret\n", "secrets", "set", "shopify-client-secret")
	for _, tc := range []struct {
		name  secrets.Name
		value string
		says  string
		keeps string
	}{
		{secrets.FacebookAppID, "my-app-SeCrEt\n", "The app ID is a number", "1517776481860111"},
		{secrets.ShopifyClientSecret, "shpss_SeCrEt and more\n", "no spaces or line breaks", "shpss_good_secret"},
	} {
		r := h.run(tc.value, "secrets", "set", string(tc.name))
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.says) || !strings.Contains(r.stderr, "Nothing was stored") {
			t.Errorf("secrets set %s: exit %d, stderr %q; want 2 and %q", tc.name, r.code, r.stderr, tc.says)
		}
		if strings.Contains(r.stderr+r.stdout, "SeCrEt") {
			t.Errorf("secrets set %s: the output repeats the value: %q", tc.name, r.stderr)
		}
		got, err := secrets.New(h.service).Get(t.Context(), tc.name)
		if err != nil || got != tc.keeps {
			t.Errorf("%s after the refused value: %q, %v; want it unchanged", tc.name, got, err)
		}
	}
}
