package facebook_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"object":"page","entry":[]}`)
	good := facebooktest.SignBody(body, appSecret)
	hexPart := strings.TrimPrefix(good, "sha256=")
	tests := []struct {
		name   string
		body   []byte
		header string
		secret string
		ok     bool
	}{
		{"valid", body, good, appSecret, true},
		{"uppercase hex digits", body, "sha256=" + strings.ToUpper(hexPart), appSecret, true},
		{"missing", body, "", appSecret, false},
		{"uppercase prefix", body, "SHA256=" + hexPart, appSecret, false},
		{"sha1 prefix", body, "sha1=" + hexPart, appSecret, false},
		{"no prefix", body, hexPart, appSecret, false},
		{"too short", body, good[:len(good)-2], appSecret, false},
		{"too long", body, good + "00", appSecret, false},
		{"not hex", body, "sha256=" + strings.Repeat("zz", 32), appSecret, false},
		{"tampered body", []byte(`{"object":"page","entry":[{}]}`), good, appSecret, false},
		{"re-serialised body", []byte(`{"object": "page", "entry": []}`), good, appSecret, false},
		{"wrong secret", body, good, "other-secret", false},
		{"empty secret", body, facebooktest.SignBody(body, ""), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := facebook.VerifySignature(tt.body, tt.header, tt.secret)
			if tt.ok && err != nil {
				t.Errorf("err = %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, facebook.ErrBadSignature) {
				t.Errorf("err = %v, want ErrBadSignature", err)
			}
		})
	}
}
