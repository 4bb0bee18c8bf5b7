package authflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestUserMessage(t *testing.T) {
	const generic = "Something went wrong while connecting: "
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"declined", ErrDenied, msgDenied},
		{"declined by provider", &ProviderError{Code: "access_denied", Reason: "user_denied"}, msgDenied},
		{"expired, wrapped", fmt.Errorf("facebook login: %w", ErrExpired), msgExpired},
		{"explains itself, deep in a chain", fmt.Errorf("a: %w", fmt.Errorf("b: %w", explained{})), explained{}.UserMessage()},
		{"joined", errors.Join(errors.New("first: cause one"), errors.New("second")), generic + "cause one."},
		{"plain", errors.New("shop not found"), generic + "shop not found."},
		{"chain flattened with %v", fmt.Errorf("shopify: install: %v", errors.New("shop is frozen")), generic + "shop is frozen."},
		{"JSON body", errors.New(`token endpoint: 400 {"error":"invalid_grant"}`), generic + "token endpoint: 400."},
		{"HTML body", errors.New("graph: 502 <html><body>Bad Gateway</body></html>"), generic + "graph: 502."},
		{"only JSON", errors.New(`{"error":{"message":"bad","code":190}}`), "Something went wrong while connecting. Start again from Merchant Inbox."},
		{"multi-line", errors.New("first line\nsecond line with details"), generic + "first line."},
		{"URL and key=value dropped", errors.New("cannot reach https://x.example/?client_secret=abc token=EAAB12 now"), generic + "cannot reach now."},
		{"opaque token dropped", errors.New("rejected EAAGm0PX4ZCpsBAKZAZBsecret0token1234567890"), generic + "rejected."},
		{"control characters dropped", errors.New("bad\x07 thing\u200b"), generic + "bad thing."},
		{"deadline", fmt.Errorf("exchange: %w", context.DeadlineExceeded), "The provider took too long to answer. Check the internet connection and start again from Merchant Inbox."},
		{"transport error quoting a URL", &url.Error{Op: "Post", URL: "https://shop.myshopify.com/admin/oauth/access_token", Err: errors.New("EOF")}, generic + "EOF."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UserMessage(tt.err); got != tt.want {
				t.Errorf("UserMessage(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestUserMessageCapsLength(t *testing.T) {
	got := UserMessage(errors.New(strings.Repeat("very long reason ", 40)))
	reason := strings.TrimPrefix(got, "Something went wrong while connecting: ")
	if reason == got || utf8.RuneCountInString(reason) > maxReasonRunes+1 || !strings.HasSuffix(reason, "….") {
		t.Errorf("UserMessage = %q, want a reason capped at %d runes ending in an ellipsis", got, maxReasonRunes)
	}
}
