package facebook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

const (
	pageID    = "1001"
	pageToken = "EAAB-secret-page-token-1001"
	appSecret = "app-secret-xyz"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// setup starts a fake with one page holding n conversations (customer i
// wrote "hello i" at t0+i minutes) and a client for it.
func setup(t *testing.T, n int) (*facebooktest.Server, *facebook.Client, *clockwork.FakeClock) {
	t.Helper()
	fake := facebooktest.NewServer(t)
	fake.AddPage(pageID, "Shop", "Shopping & retail", pageToken)
	for i := range n {
		fake.AddMessage(pageID, fmt.Sprintf("psid%d", i), fmt.Sprintf("Customer %d", i), facebooktest.FakeMessage{
			ID: fmt.Sprintf("m_%d", i), Text: fmt.Sprintf("hello %d", i), At: t0.Add(time.Duration(i) * time.Minute),
		})
	}
	clk := clockwork.NewFakeClockAt(t0.Add(time.Hour))
	c := facebook.NewClient(facebook.Options{BaseURL: fake.URL, Now: clk.Now})
	return fake, c, clk
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) ([]T, error) {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}
