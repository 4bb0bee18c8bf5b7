package facebook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrBadSignature: a webhook's X-Hub-Signature-256 is missing, malformed or
// does not match the body. Such a delivery is not from Meta and must be
// neither parsed nor stored.
var ErrBadSignature = errors.New("facebook: bad webhook signature")

// VerifySignature checks an X-Hub-Signature-256 header ("sha256=" and the
// hex HMAC-SHA256 of body keyed with the app secret). body must be the raw
// bytes as received: re-encoded JSON would not match. The comparison runs in
// constant time. An empty appSecret never verifies, since anyone could
// compute an HMAC with an empty key.
func VerifySignature(body []byte, header string, appSecret string) error {
	if appSecret == "" {
		return fmt.Errorf("%w: no app secret configured", ErrBadSignature)
	}
	digest, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return fmt.Errorf("%w: missing sha256= prefix", ErrBadSignature)
	}
	if len(digest) != hex.EncodedLen(sha256.Size) {
		return fmt.Errorf("%w: wrong length", ErrBadSignature)
	}
	got, err := hex.DecodeString(digest)
	if err != nil {
		return fmt.Errorf("%w: not hex", ErrBadSignature)
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}
