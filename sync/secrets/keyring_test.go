package secrets_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// keyringEnv controls the tests against the real OS keychain:
//
//	require  the keychain must work; if it does not, the tests fail.
//	         scripts/with-keyring.sh (and so `make test`) sets this.
//	skip     do not touch the keychain at all.
//	unset    use the keychain if it answers, else skip, saying why.
//
// Without "require" a machine with no Secret Service would silently skip
// the only tests that exercise go-keyring for real, which is how a broken
// keyring setup in CI would go unnoticed.
const keyringEnv = "MERCHANT_INBOX_TEST_KEYRING"

// realStore returns a Store on the real OS keychain under a service name
// unique to this test, so it can never read or clobber the user's secrets,
// and registers cleanup of every name in cleanupNames.
func realStore(t *testing.T, cleanupNames ...secrets.Name) *secrets.Store {
	t.Helper()
	mode := os.Getenv(keyringEnv)
	switch mode {
	case "skip":
		t.Skipf("%s=skip: not touching the OS keychain", keyringEnv)
	case "", "require":
	default:
		t.Fatalf("%s=%q: want require, skip, or unset", keyringEnv, mode)
	}

	service := uniqueService(t)
	// A generous timeout: the race detector and a cold gnome-keyring are
	// slow, and this test is about behaviour, not latency.
	s := secrets.New(service, secrets.WithTimeout(15*time.Second))

	// Probe with a read of a name this fresh service cannot have.
	_, err := s.Get(context.Background(), secrets.NgrokAuthtoken)
	switch {
	case errors.Is(err, secrets.ErrNotFound):
		// The keychain answers.
	case err == nil:
		t.Fatalf("fresh service %q already holds %s", service, secrets.NgrokAuthtoken)
	case mode == "require":
		t.Fatalf("%s=require but the OS keychain is not usable: %v\n"+
			"On Linux run the tests through scripts/with-keyring.sh (after scripts/deps.sh test), "+
			"which provides a D-Bus session with an unlocked gnome-keyring.", keyringEnv, err)
	default:
		t.Skipf("OS keychain not usable, skipping real-keychain test: %v\n"+
			"(set %s=require to make this a failure; scripts/with-keyring.sh provides one)", err, keyringEnv)
	}

	t.Cleanup(func() {
		ctx := context.Background()
		for _, n := range cleanupNames {
			if err := s.Delete(ctx, n); err != nil && !errors.Is(err, secrets.ErrNotFound) {
				t.Errorf("cleanup: delete %s under %s: %v", n, service, err)
			}
		}
	})
	t.Logf("using the real OS keychain, service %q", service)
	return s
}

func uniqueService(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "merchant-inbox-test-" + hex.EncodeToString(b[:])
}

func TestRealKeyringLifecycle(t *testing.T) {
	names := []secrets.Name{secrets.FacebookAppSecret, secrets.PageToken("109876543210987")}
	s := realStore(t, names...)
	ctx := context.Background()

	for _, n := range names {
		t.Run(string(n), func(t *testing.T) {
			const v1, v2 = "first-value-EAAG123", "second välue ✓"

			if err := s.Set(ctx, n, v1); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if got, err := s.Get(ctx, n); err != nil || got != v1 {
				t.Fatalf("Get after Set = %q, %v; want %q", got, err, v1)
			}

			// Overwrite replaces, it does not add a second item.
			if err := s.Set(ctx, n, v2); err != nil {
				t.Fatalf("Set (overwrite): %v", err)
			}
			if got, err := s.Get(ctx, n); err != nil || got != v2 {
				t.Fatalf("Get after overwrite = %q, %v; want %q", got, err, v2)
			}

			if err := s.Delete(ctx, n); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if got, err := s.Get(ctx, n); !errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("Get after Delete = %q, %v; want ErrNotFound", got, err)
			}
			// Had overwrite left a second item behind, this would find it.
			if err := s.Delete(ctx, n); !errors.Is(err, secrets.ErrNotFound) {
				t.Fatalf("second Delete = %v; want ErrNotFound", err)
			}
		})
	}
}

// Secrets are keyed by (service, name): other names and other services do
// not see them.
func TestRealKeyringIsolation(t *testing.T) {
	s := realStore(t, secrets.FacebookAppID, secrets.FacebookAppSecret)
	other := realStore(t, secrets.FacebookAppID)
	ctx := context.Background()

	if err := s.Set(ctx, secrets.FacebookAppID, "app-id-1"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := s.Set(ctx, secrets.FacebookAppSecret, "app-secret-1"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := s.Get(ctx, secrets.FacebookAppID); err != nil || got != "app-id-1" {
		t.Fatalf("Get(app id) = %q, %v", got, err)
	}
	if got, err := s.Get(ctx, secrets.FacebookAppSecret); err != nil || got != "app-secret-1" {
		t.Fatalf("Get(app secret) = %q, %v", got, err)
	}
	if got, err := other.Get(ctx, secrets.FacebookAppID); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("other service Get = %q, %v; want ErrNotFound", got, err)
	}
}
