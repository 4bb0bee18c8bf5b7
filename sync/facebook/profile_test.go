package facebook_test

import (
	"errors"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

func TestUserProfile(t *testing.T) {
	fake, c, _ := setup(t, 0)
	fake.AddMessage(pageID, "psidJ", "Jane Doe", facebooktest.FakeMessage{Text: "hi", At: t0})
	fake.AddMessage(pageID, "psidH", "Hidden Person", facebooktest.FakeMessage{Text: "hi", At: t0})
	fake.HideProfile(pageID, "psidH")

	p, err := c.UserProfile(t.Context(), "psidJ", pageToken)
	if err != nil {
		t.Fatal(err)
	}
	if want := (facebook.UserProfile{ID: "psidJ", Name: "Jane Doe", FirstName: "Jane", LastName: "Doe"}); p != want {
		t.Errorf("profile %+v, want %+v", p, want)
	}
	r := fake.Requests()[0]
	if r.Path != "/v25.0/psidJ" || r.Query.Get("fields") != "first_name,last_name,name" || r.TokenIn != "header" {
		t.Errorf("request %+v", r)
	}

	_, err = c.UserProfile(t.Context(), "psidH", pageToken)
	if ge, ok := errors.AsType[*facebook.Error](err); !ok || ge.Code != 100 {
		t.Errorf("hidden profile: err %v, want a Graph code 100", err)
	}
	if _, err := c.UserProfile(t.Context(), "not-a-customer", pageToken); err == nil {
		t.Error("the profile of someone who never wrote to the page was read")
	}

	fake.FailNext("/psidJ", 0, 80001, 0, bucHeader(3*time.Minute, 100))
	if _, err := c.UserProfile(t.Context(), "psidJ", pageToken); !errors.Is(err, facebook.ErrRateLimited) {
		t.Errorf("throttled: err %v, want ErrRateLimited", err)
	}
	fake.KillToken(pageToken, 460)
	c2 := facebook.NewClient(facebook.Options{BaseURL: fake.URL})
	if _, err := c2.UserProfile(t.Context(), "psidJ", pageToken); !errors.Is(err, facebook.ErrTokenInvalid) {
		t.Errorf("dead token: err %v, want ErrTokenInvalid", err)
	}
	if _, err := c.UserProfile(t.Context(), "../me", pageToken); err == nil {
		t.Error("a PSID with a slash accepted")
	}
}

func TestDisplayName(t *testing.T) {
	for _, tt := range []struct {
		p    facebook.UserProfile
		want string
	}{
		{facebook.UserProfile{Name: "Jane Doe", FirstName: "J"}, "Jane Doe"},
		{facebook.UserProfile{FirstName: "Jane", LastName: "Doe"}, "Jane Doe"},
		{facebook.UserProfile{FirstName: "Jane"}, "Jane"},
		{facebook.UserProfile{}, ""},
	} {
		if got := tt.p.DisplayName(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.want)
		}
	}
}
