package fix_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// remedied is an error of another package that carries its own fix.
type remedied struct{ f fix.Fix }

func (remedied) Error() string       { return "token refused" }
func (r remedied) Fix() fix.Fix      { return r.f }
func (remedied) UserMessage() string { return "The token was refused." }

func TestOf(t *testing.T) {
	setSecret := fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret}
	signIn := fix.Fix{Action: fix.SignInFacebook}
	cause := errors.New("graph: code 1")
	tests := []struct {
		name   string
		err    error
		want   fix.Fix
		wantOK bool
	}{
		{"nil", nil, fix.Fix{}, false},
		{"plain error", errors.New("disk full"), fix.Fix{}, false},
		{"explained", fix.Explain(cause, "The app secret is wrong.", setSecret), setSecret, true},
		{"wrapped explained", fmt.Errorf("connect: %w", fix.Explain(cause, "x", setSecret)), setSecret, true},
		{"other package's carrier", fmt.Errorf("poll: %w", remedied{signIn}), signIn, true},
		{"carrier without a fix", remedied{}, fix.Fix{}, false},
		// The outermost carrier speaks, as with UserMessage: the sentence
		// and the fix the merchant sees come from the same error.
		{"outermost wins", fix.Explain(remedied{signIn}, "x", setSecret), setSecret, true},
		{"joined", errors.Join(errors.New("a"), remedied{signIn}), signIn, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := fix.Of(tt.err)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Of = %+v, %t; want %+v, %t", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	cause := errors.New("facebook: GET /oauth/access_token: code 1")
	f := fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret}
	err := fmt.Errorf("sign in: %w", fix.Explain(cause, "The Facebook app secret is wrong.", f))
	if !errors.Is(err, cause) {
		t.Error("errors.Is does not reach the cause")
	}
	if got := err.Error(); got != "sign in: "+cause.Error() {
		t.Errorf("Error() = %q: want the cause's text, for the log", got)
	}
	um, ok := errors.AsType[interface {
		error
		UserMessage() string
	}](err)
	if !ok || um.UserMessage() != "The Facebook app secret is wrong." {
		t.Errorf("UserMessage not found or wrong: %v", um)
	}

	sentinel := fix.Explain(nil, "The shop is not connected.", fix.Fix{Action: fix.ConnectShopify})
	if sentinel.Error() != "The shop is not connected." {
		t.Errorf("Explain(nil).Error() = %q", sentinel.Error())
	}
	if !errors.Is(fmt.Errorf("poll: %w", sentinel), sentinel) {
		t.Error("an Explain value does not work as a sentinel")
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		f    fix.Fix
		want string
	}{
		{fix.Fix{}, ""},
		{fix.Fix{Action: fix.SignInFacebook}, "Sign in to Facebook again"},
		{fix.Fix{Action: fix.ConnectShopify}, "Connect the shop again"},
		{fix.Fix{Action: fix.ConnectShopify, Shop: "fake-shop.myshopify.com"}, "Connect fake-shop.myshopify.com again"},
		{fix.Fix{Action: fix.SetSecret, Secret: secrets.ShopifyClientSecret}, "Set shopify-client-secret"},
		{fix.Fix{Action: "future-action"}, "future-action"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.f, got, tt.want)
		}
		if tt.f.IsZero() != (tt.want == "") {
			t.Errorf("%+v.IsZero() = %t", tt.f, tt.f.IsZero())
		}
	}
}
