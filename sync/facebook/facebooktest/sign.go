package facebooktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// SignBody returns the X-Hub-Signature-256 value Meta would send for body:
// "sha256=" and the lowercase hex HMAC-SHA256 of body keyed by appSecret.
func SignBody(body []byte, appSecret string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// appSecretProof is what a client must send as appsecret_proof.
func appSecretProof(secret, token string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}
