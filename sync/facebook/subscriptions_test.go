package facebook_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
)

func TestUnsubscribePage(t *testing.T) {
	fake, c, _ := setup(t, 0)
	fake.RequireAppSecretProof(appSecret)
	c = facebook.NewClient(facebook.Options{BaseURL: fake.URL, AppSecret: appSecret})
	if err := c.SubscribePage(t.Context(), pageID, pageToken, facebook.DefaultPageFields()); err != nil {
		t.Fatal(err)
	}
	if err := c.UnsubscribePage(t.Context(), pageID, pageToken); err != nil {
		t.Fatalf("UnsubscribePage: %v", err)
	}
	if got := fake.Subscriptions(pageID); got != nil {
		t.Errorf("still subscribed to %v", got)
	}
	reqs := fake.Requests()
	r := reqs[len(reqs)-1]
	if r.Method != http.MethodDelete || r.Path != "/v25.0/"+pageID+"/subscribed_apps" || r.TokenIn != "header" || r.Query.Get("appsecret_proof") == "" {
		t.Errorf("request = %+v: want DELETE subscribed_apps with the page token in the header and the proof", r)
	}

	// A dead page token is Graph's 190: the caller reports it, and the
	// token never appears in the error.
	fake.KillToken(pageToken, 460)
	err := c.UnsubscribePage(t.Context(), pageID, pageToken)
	if !errors.Is(err, facebook.ErrTokenInvalid) {
		t.Errorf("dead token: %v, want ErrTokenInvalid", err)
	}
	if err != nil && strings.Contains(err.Error(), pageToken) {
		t.Error("the error shows the page token")
	}
	if err := c.UnsubscribePage(t.Context(), "../me", pageToken); err == nil {
		t.Error("an id escaping the path was accepted")
	}
}
