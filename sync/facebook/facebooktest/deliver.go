package facebooktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ErrNotSubscribed is Deliver's answer when Meta would send nothing: the
// event's field is not subscribed at both the app level and the Page level
// (for example after DELETE /{page-id}/subscribed_apps).
var ErrNotSubscribed = errors.New("facebooktest: the field is not subscribed for this app and Page; Meta sends nothing")

// Deliver plays Meta delivering a message webhook: it adds m to the
// conversation of pageID with psid (as AddMessage does, so a poll finds it
// too) and POSTs the Messenger event for it to the callback URL of the
// app's Page subscription, signed with the app secret as Meta signs
// (X-Hub-Signature-256). A customer's message is the "messages" field, one
// with m.FromPage the "message_echoes" field.
//
// Meta sends only fields subscribed at both levels: the app's (POST
// /{app-id}/subscriptions, which holds the callback URL) and the Page's
// (POST /{page-id}/subscribed_apps). When either lacks the field the message
// is stored, nothing is sent, and the error is ErrNotSubscribed. Otherwise
// Deliver returns the callback's HTTP status; a failed delivery is not
// retried. Call it from the test goroutine (it fails the test for a page
// that was not added).
func (s *Server) Deliver(ctx context.Context, pageID, psid string, m FakeMessage) (int, error) {
	s.tb.Helper()
	if m.ID == "" {
		m.ID = "m_hook_" + strings.ToLower(rand.Text())
	}
	if m.At.IsZero() {
		m.At = time.Now()
	}
	s.AddMessage(pageID, psid, "", m)

	field := "messages"
	if m.FromPage {
		field = "message_echoes"
	}
	s.mu.Lock()
	app, p := s.login.app, s.pages[pageID]
	var callback, secret, appID string
	subscribed := app != nil && app.sub != nil && slices.Contains(app.sub.fields, field) &&
		p != nil && slices.Contains(p.subscribed, field)
	if subscribed {
		callback, secret, appID = app.sub.callbackURL, app.secret, app.id
	}
	s.mu.Unlock()
	if !subscribed {
		return 0, fmt.Errorf("%w (page %s, field %s)", ErrNotSubscribed, pageID, field)
	}

	body, err := json.Marshal(webhookBody(pageID, psid, appID, m))
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", SignBody(body, secret))
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// webhookBody is the delivery Meta POSTs for one message: an entry for the
// Page whose messaging array holds the event. An echo is sent by the Page
// to the customer and carries is_echo and the app id.
func webhookBody(pageID, psid, appID string, m FakeMessage) map[string]any {
	ms := m.At.UnixMilli()
	sender, recipient := psid, pageID
	msg := map[string]any{"mid": m.ID}
	if m.Text != "" {
		msg["text"] = m.Text
	}
	if m.FromPage {
		sender, recipient = pageID, psid
		msg["is_echo"] = true
		msg["app_id"] = appID
		if appID != "" && strings.Trim(appID, "0123456789") == "" {
			msg["app_id"] = json.Number(appID) // Meta sends a number
		}
	}
	if len(m.Attachments) > 0 {
		var atts []any
		for _, a := range m.Attachments {
			atts = append(atts, map[string]any{"type": hookAttachmentType(a.MimeType), "payload": map[string]any{"url": a.URL}})
		}
		msg["attachments"] = atts
	}
	if m.Template != nil {
		// An echo of a template carries it as a "template" attachment.
		msg["attachments"] = []any{map[string]any{"type": "template", "payload": m.Template}}
	}
	return map[string]any{
		"object": "page",
		"entry": []any{map[string]any{
			"id":   pageID,
			"time": ms,
			"messaging": []any{map[string]any{
				"sender":    map[string]any{"id": sender},
				"recipient": map[string]any{"id": recipient},
				"timestamp": ms,
				"message":   msg,
			}},
		}},
	}
}

// hookAttachmentType is the webhook's attachment type for a MIME type.
func hookAttachmentType(mime string) string {
	for _, t := range []string{"image", "video", "audio"} {
		if strings.HasPrefix(mime, t+"/") {
			return t
		}
	}
	return "file"
}
