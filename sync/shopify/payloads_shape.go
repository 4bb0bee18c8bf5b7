package shopify

import (
	"encoding/json"
	"fmt"
	"slices"
)

// X-Shopify-Topic is not covered by the HMAC: a body Shopify signed for one
// topic can be replayed under another. The Parse functions therefore check
// that a body has its own topic's shape before anything acts on it, with
// the helpers below. They look at top-level keys only and never quote a
// value in an error: bodies may hold customer data.

// customerTopicKeys are keys of the customers/redact and
// customers/data_request bodies that no shop/redact body has.
var customerTopicKeys = []string{"customer", "orders_to_redact", "orders_requested", "data_request"}

// objectKeys returns the top-level keys of a JSON object body.
func objectKeys(topic string, body []byte) (map[string]json.RawMessage, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		return nil, badPayload(topic, err)
	}
	if keys == nil { // the body was null
		return nil, badPayload(topic+" body is not an object", nil)
	}
	return keys, nil
}

// requireKeys checks that body is an object with every key in want.
func requireKeys(topic string, body []byte, want ...string) error {
	keys, err := objectKeys(topic, body)
	if err != nil {
		return err
	}
	return hasKeys(topic, keys, want...)
}

// hasKeys checks that every key in want is present and not null.
func hasKeys(topic string, keys map[string]json.RawMessage, want ...string) error {
	for _, k := range want {
		if v, ok := keys[k]; !ok || string(v) == "null" {
			return badPayload(fmt.Sprintf("%s body has no %q", topic, k), nil)
		}
	}
	return nil
}

// lacksKeys checks that no key in other is present: they belong to another
// topic's body.
func lacksKeys(topic string, keys map[string]json.RawMessage, other ...string) error {
	for _, k := range other {
		if _, ok := keys[k]; ok {
			return badPayload(fmt.Sprintf("%s body has %q, which only another topic's body has", topic, k), nil)
		}
	}
	return nil
}

// onlyKeys checks that the object has exactly the keys in want.
func onlyKeys(topic string, keys map[string]json.RawMessage, want ...string) error {
	if err := hasKeys(topic, keys, want...); err != nil {
		return err
	}
	if len(keys) == len(want) {
		return nil
	}
	var extra []string
	for k := range keys {
		if !slices.Contains(want, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	return badPayload(fmt.Sprintf("%s body has %d key(s) its topic never has, %q first", topic, len(extra), truncate(extra[0], 40)), nil)
}
