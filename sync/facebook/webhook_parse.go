package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ParseWebhook decodes a delivery's body. Call it only after
// VerifySignature succeeded on the same bytes.
//
// Only the envelope (object and the entry array) is strict. Each entry and
// each messaging or changes item is decoded on its own, and one that does
// not decode is left out and named in Webhook.Skipped. Meta re-sends a
// refused delivery byte for byte, so refusing it for one odd item would
// lose every good event beside it, and after an hour of refusals Meta
// unsubscribes the page.
func ParseWebhook(body []byte) (*Webhook, error) {
	var w wireWebhook
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if w.Object != "page" {
		return nil, fmt.Errorf("%w: object %q, want \"page\"", ErrMalformed, w.Object)
	}
	wh := &Webhook{Object: w.Object, Entries: make([]Entry, 0, len(w.Entry))}
	for _, raw := range w.Entry {
		if e, ok := wh.entry(raw); ok {
			wh.Entries = append(wh.Entries, e)
		}
	}
	return wh, nil
}

// entry decodes one entry; a bad id or time drops the whole entry, since
// events cannot be attributed or ordered without them. So does an event
// whose ids could not be stored (see idProblem): the rest of the delivery
// is kept.
func (wh *Webhook) entry(raw json.RawMessage) (Entry, bool) {
	var we wireEntry
	if err := json.Unmarshal(raw, &we); err != nil {
		wh.skip(entryPageID(raw), "entry", err)
		return Entry{}, false
	}
	if why := idProblem(string(we.ID)); why != "" {
		wh.Skipped = append(wh.Skipped, Skipped{Kind: "entry", Reason: "page id " + why})
		return Entry{}, false
	}
	e := Entry{PageID: string(we.ID), Time: we.Time.time()}
	for _, raw := range we.Messaging {
		var wev wireEvent
		if err := json.Unmarshal(raw, &wev); err != nil {
			wh.skip(e.PageID, probeKind(raw).String(), err)
			continue
		}
		ev := wev.event()
		if why := ev.idProblem(); why != "" {
			wh.Skipped = append(wh.Skipped, Skipped{PageID: e.PageID, Kind: ev.Kind.String(), Reason: why})
			continue
		}
		e.Events = append(e.Events, ev)
	}
	for _, raw := range we.Changes {
		var c wireChange
		if err := json.Unmarshal(raw, &c); err != nil {
			wh.skip(e.PageID, "change", err)
			continue
		}
		e.Changes = append(e.Changes, Change{Field: c.Field, Value: c.Value})
	}
	return e, true
}

// skip keeps only the JSON path from err: decoding errors can quote the
// offending value, which may be customer text.
func (wh *Webhook) skip(pageID, kind string, err error) {
	s := Skipped{PageID: pageID, Kind: kind, Reason: ReasonUndecodable}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		s.Path = te.Field
	}
	wh.Skipped = append(wh.Skipped, s)
}

// entryPageID salvages the page id of an entry that failed to decode, so
// the skip can still be traced to a page.
func entryPageID(raw json.RawMessage) string {
	var p struct {
		ID flexString `json:"id"`
	}
	_ = json.Unmarshal(raw, &p) // best effort: "" when the id is the problem
	return string(p.ID)
}

// probeKind guesses which event an undecodable messaging item was, by the
// same key precedence as wireEvent.event, so the skip log says what was
// lost.
func probeKind(raw json.RawMessage) EventKind {
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) != nil {
		return EventUnknown
	}
	has := func(k string) bool { v, ok := keys[k]; return ok && string(v) != "null" }
	switch {
	case has("message"):
		var m struct {
			IsEcho bool `json:"is_echo"`
		}
		_ = json.Unmarshal(keys["message"], &m) // a bad is_echo just means "message"
		if m.IsEcho {
			return EventEcho
		}
		return EventMessage
	case has("delivery"):
		return EventDelivery
	case has("read"):
		return EventRead
	case has("postback"):
		return EventPostback
	case has("reaction"):
		return EventReaction
	}
	return EventUnknown
}
