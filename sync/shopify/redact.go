package shopify

import (
	"fmt"
	"log/slog"
)

// The types below hold secrets. fmt prints unexported and exported fields
// alike, so each describes itself without them, for every verb and for
// slog.

// String describes the OAuth configuration without the client secret.
func (o OAuth) String() string {
	return fmt.Sprintf("shopify.OAuth{ClientID:%q ClientSecret:%s BaseURL:%q}", o.ClientID, redactedMark(o.ClientSecret), o.BaseURL)
}

// GoString is String.
func (o OAuth) GoString() string { return o.String() }

// Format prints String for every verb.
func (o OAuth) Format(f fmt.State, _ rune) { fmt.Fprint(f, o.String()) }

// LogValue logs the configuration without the client secret.
func (o OAuth) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", o.ClientID), slog.String("client_secret", redactedMark(o.ClientSecret)), slog.String("base_url", o.BaseURL))
}

// String describes the options without the token.
func (o ClientOptions) String() string {
	return fmt.Sprintf("shopify.ClientOptions{Shop:%q Token:%s BaseURL:%q MaxWait:%s}", o.Shop, redactedMark(o.Token), o.BaseURL, o.MaxWait)
}

// GoString is String.
func (o ClientOptions) GoString() string { return o.String() }

// Format prints String for every verb.
func (o ClientOptions) Format(f fmt.State, _ rune) { fmt.Fprint(f, o.String()) }

// LogValue logs the options without the token.
func (o ClientOptions) LogValue() slog.Value {
	return slog.GroupValue(slog.String("shop", o.Shop), slog.String("token", redactedMark(o.Token)), slog.String("base_url", o.BaseURL))
}

// String describes the client without its token.
func (c *Client) String() string {
	return fmt.Sprintf("shopify.Client{shop:%q token:%s}", c.shop, redactedMark(c.token))
}

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue logs the client without its token.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("shop", c.shop), slog.String("token", redactedMark(c.token)))
}

// String describes the options without the client secret.
func (o WebhookOptions) String() string {
	return fmt.Sprintf("shopify.WebhookOptions{ClientSecret:%s MaxBodyBytes:%d}", redactedMark(o.ClientSecret), o.MaxBodyBytes)
}

// GoString is String.
func (o WebhookOptions) GoString() string { return o.String() }

// Format prints String for every verb.
func (o WebhookOptions) Format(f fmt.State, _ rune) { fmt.Fprint(f, o.String()) }

// LogValue logs the options without the client secret.
func (o WebhookOptions) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_secret", redactedMark(o.ClientSecret)), slog.Int64("max_body_bytes", o.MaxBodyBytes))
}
