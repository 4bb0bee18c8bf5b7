package authflow

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
)

// NewState returns a fresh OAuth state: 32 bytes from crypto/rand, base64url
// without padding (43 characters, safe in a query string). 256 bits make it
// unguessable, which is what stops a third party from completing a sign-in
// with its own code (login CSRF). The error is the random source's; since
// Go 1.24 crypto/rand crashes the program rather than fail, so it is nil in
// practice.
func NewState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// sameState compares in constant time so response timing does not reveal
// how much of a guessed state was right.
func sameState(issued, got string) bool {
	return subtle.ConstantTimeCompare([]byte(issued), []byte(got)) == 1
}
