package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// DefaultPageFields returns the Page webhook fields Merchant Inbox uses, for
// SubscribeApp and SubscribePage: messages, postbacks, echoes of the Page's
// own replies, deliveries, reads and reactions. Each call returns a fresh
// slice.
func DefaultPageFields() []string {
	return []string{"messages", "messaging_postbacks", "message_echoes", "message_deliveries", "message_reads", "message_reactions"}
}

// SubscribeApp points the app's Page webhooks at callbackURL:
// POST /{app-id}/subscriptions with object=page, callback_url, fields and
// verify_token, authenticated with the app access token. The callback URL
// lives here, not on Pages, so this is needed again whenever the public
// URL changes. Meta verifies the callback (a GET with hub.challenge and
// verify_token) before answering: an unreachable callback is
// ErrCallbackVerification, wrong app credentials are ErrBadAppSecret.
func (c *Client) SubscribeApp(ctx context.Context, appID, appSecret, callbackURL, verifyToken string, fields []string) error {
	if err := checkApp(appID, appSecret); err != nil {
		return err
	}
	if len(fields) == 0 {
		return errors.New("facebook: SubscribeApp needs at least one field")
	}
	if verifyToken == "" {
		return errors.New("facebook: SubscribeApp needs the webhook verify token")
	}
	if cb, err := url.Parse(callbackURL); err != nil || (cb.Scheme != "https" && cb.Scheme != "http") || cb.Host == "" {
		return errors.New("facebook: SubscribeApp needs an absolute http(s) callback URL")
	}
	u, err := c.endpoint(nil, appID, "subscriptions")
	if err != nil {
		return err
	}
	form := url.Values{
		"object":       {"page"},
		"callback_url": {callbackURL},
		"fields":       {strings.Join(fields, ",")},
		"verify_token": {verifyToken},
	}
	// Meta's documented sample answers {"success": "true"}: a string.
	var res struct {
		Success flexBool `json:"success"`
	}
	if err := c.loginSend(ctx, http.MethodPost, u, appToken(appID, appSecret), form, &res, appSecret, verifyToken); err != nil {
		return classifyLogin(err, true, "", callbackURL)
	}
	if !res.Success {
		return errors.New("facebook: POST " + u.Path + ": Graph answered success=false")
	}
	return nil
}

// flexBool accepts true or "true" (and their false counterparts).
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*f = flexBool(x)
	case string:
		*f = flexBool(x == "true")
	}
	return nil
}

// UnsubscribePage stops the app's webhooks for a Page: DELETE
// /{page-id}/subscribed_apps with the page token, answered
// {"success": true}. Meta then sends none of the Page's events, whatever the
// app-level subscription says, until SubscribePage is called again. It
// needs the page token, so call it before that token is deleted.
func (c *Client) UnsubscribePage(ctx context.Context, pageID, token string) error {
	u, err := c.endpoint(nil, pageID, "subscribed_apps")
	if err != nil {
		return err
	}
	var res struct {
		Success flexBool `json:"success"`
	}
	if err := c.do(ctx, http.MethodDelete, u, token, nil, &res); err != nil {
		return err
	}
	if !res.Success {
		return errors.New("facebook: DELETE " + u.Path + ": Graph answered success=false")
	}
	return nil
}
