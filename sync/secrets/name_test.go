package secrets_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		in      string
		want    secrets.Name
		wantErr string // substring of the error; "" means success
	}{
		{in: "facebook-app-id", want: secrets.FacebookAppID},
		{in: "facebook-app-secret", want: secrets.FacebookAppSecret},
		{in: "facebook-verify-token", want: secrets.FacebookVerifyToken},
		{in: "shopify-client-id", want: secrets.ShopifyClientID},
		{in: "shopify-client-secret", want: secrets.ShopifyClientSecret},
		{in: "ngrok-authtoken", want: secrets.NgrokAuthtoken},
		{in: "shopify-token", want: secrets.ShopifyToken},
		{in: "facebook-page-token:1234567890", want: secrets.PageToken("1234567890")},
		{in: "facebook-page-token:0", want: "facebook-page-token:0"},
		{in: "facebook-page-token:" + strings.Repeat("9", 32), want: secrets.Name("facebook-page-token:" + strings.Repeat("9", 32))},

		{in: "", wantErr: "not one of facebook-app-id, facebook-app-secret, facebook-verify-token, shopify-client-id, shopify-client-secret, ngrok-authtoken, shopify-token, facebook-page-token:<PAGE_ID>"},
		{in: "facebook-app-ID", wantErr: "not one of"},
		{in: " facebook-app-id", wantErr: "not one of"},
		{in: "facebook-app-id ", wantErr: "not one of"},
		{in: "ngrok", wantErr: "not one of"},
		{in: "facebook-page-token", wantErr: "not one of"},
		{in: "facebook-page-token:", wantErr: "needs the numeric Facebook page ID"},
		{in: "facebook-page-token:12a4", wantErr: "must be 1 to 32 digits"},
		{in: "facebook-page-token:-1", wantErr: "must be 1 to 32 digits"},
		{in: "facebook-page-token: 123", wantErr: "must be 1 to 32 digits"},
		{in: "facebook-page-token:123\n", wantErr: "must be 1 to 32 digits"},
		{in: "facebook-page-token:１２３", wantErr: "must be 1 to 32 digits"}, // full-width digits
		{in: "facebook-page-token:" + strings.Repeat("9", 33), wantErr: "must be 1 to 32 digits"},
		{in: "facebook-page-token:123:456", wantErr: "must be 1 to 32 digits"},
		{in: "Facebook-Page-Token:123", wantErr: "not one of"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := secrets.ParseName(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseName(%q) error: %v", tt.in, err)
				}
				if got != tt.want {
					t.Fatalf("ParseName(%q) = %q, want %q", tt.in, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseName(%q) = %q, want an error", tt.in, got)
			}
			if !errors.Is(err, secrets.ErrInvalidName) {
				t.Errorf("ParseName(%q) error %v does not wrap ErrInvalidName", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseName(%q) error %q, want it to contain %q", tt.in, err, tt.wantErr)
			}
			if got != "" {
				t.Errorf("ParseName(%q) returned %q with its error, want \"\"", tt.in, got)
			}
		})
	}
}

// A secret typed where a name belongs must not be echoed in the error.
func TestParseNameDoesNotEchoInput(t *testing.T) {
	for _, in := range []string{
		"EAAGm0PX4ZCpsBAKZAbcdefSECRET",
		"0123456789abcdef0123456789abcdef",
		"facebook-page-token:EAAGm0PX4ZCpsBAKZAbcdefSECRET",
	} {
		_, err := secrets.ParseName(in)
		if err == nil {
			t.Fatalf("ParseName(%q) succeeded", in)
		}
		if strings.Contains(err.Error(), strings.TrimPrefix(in, "facebook-page-token:")) {
			t.Errorf("ParseName error echoes its input: %q", err)
		}
	}
}

func TestPageToken(t *testing.T) {
	tests := []struct {
		name   secrets.Name
		wantID string
		wantOK bool
	}{
		{secrets.PageToken("1234567890"), "1234567890", true},
		{"facebook-page-token:42", "42", true},
		{secrets.PageToken(""), "", false},
		{secrets.PageToken("abc"), "", false},
		{secrets.PageToken("12 3"), "", false},
		{secrets.FacebookAppSecret, "", false},
		{secrets.NgrokAuthtoken, "", false},
		{"", "", false},
		{"facebook-page-token", "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.name), func(t *testing.T) {
			id, ok := tt.name.PageID()
			if id != tt.wantID || ok != tt.wantOK {
				t.Errorf("%q.PageID() = %q, %v; want %q, %v", tt.name, id, ok, tt.wantID, tt.wantOK)
			}
		})
	}
	if got, want := secrets.PageToken("1234567890"), secrets.Name("facebook-page-token:1234567890"); got != want {
		t.Errorf("PageToken = %q, want %q", got, want)
	}
}

// Every name a Store accepts must survive ParseName(string(n)), so what the
// app writes can always be named again on the command line.
func TestParseNameRoundTrip(t *testing.T) {
	for _, n := range []secrets.Name{
		secrets.FacebookAppID, secrets.FacebookAppSecret, secrets.FacebookVerifyToken,
		secrets.ShopifyClientID, secrets.ShopifyClientSecret, secrets.NgrokAuthtoken,
		secrets.PageToken("109876543210987"),
	} {
		got, err := secrets.ParseName(string(n))
		if err != nil || got != n {
			t.Errorf("ParseName(%q) = %q, %v", n, got, err)
		}
	}
}
