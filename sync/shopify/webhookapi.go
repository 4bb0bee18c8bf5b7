package shopify

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// TopicEnum turns a webhook topic as X-Shopify-Topic writes it
// ("products/update") into the GraphQL WebhookSubscriptionTopic enum
// ("PRODUCTS_UPDATE"). Enum values are returned unchanged.
func TopicEnum(topic string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(topic), "/", "_"))
}

type userErrorJSON struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

func userErrors(mutation string, errs []userErrorJSON) *UserErrors {
	if len(errs) == 0 {
		return nil
	}
	ue := &UserErrors{Mutation: mutation}
	for _, e := range errs {
		ue.Errors = append(ue.Errors, UserError{Field: e.Field, Message: e.Message})
	}
	return ue
}

// alreadyTaken reports the userError Shopify gives for a second
// subscription to the same topic and address ("Address for this topic has
// already been taken").
func alreadyTaken(ue *UserErrors) bool {
	for _, e := range ue.Errors {
		m := strings.ToLower(e.Message)
		if strings.Contains(m, "already been taken") || strings.Contains(m, "already exists") {
			return true
		}
	}
	return false
}

// CreateWebhook subscribes uri to topic (enum "PRODUCTS_UPDATE" or header
// form "products/update") with webhookSubscriptionCreate. It is
// idempotent: when Shopify answers that the address is already taken, the
// existing subscriptions are listed and an identical one (same topic and
// uri) counts as success.
func (c *Client) CreateWebhook(ctx context.Context, topic, uri string) error {
	topic = TopicEnum(topic)
	var d struct {
		Create struct {
			UserErrors []userErrorJSON `json:"userErrors"`
		} `json:"webhookSubscriptionCreate"`
	}
	vars := map[string]any{"topic": topic, "webhookSubscription": map[string]any{"uri": uri}}
	if err := c.do(ctx, opWebhookCreate, webhookCreateMutation, vars, &d); err != nil {
		return err
	}
	ue := userErrors("webhookSubscriptionCreate", d.Create.UserErrors)
	if ue == nil {
		return nil
	}
	if alreadyTaken(ue) {
		subs, err := c.Webhooks(ctx)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(subs, func(s WebhookSubscription) bool { return s.Topic == topic && s.URI == uri }) {
			return nil
		}
	}
	return fmt.Errorf("shopify: %s %s: %w", opWebhookCreate, topic, ue)
}

// Webhooks lists the app's webhook subscriptions on the shop, all pages.
func (c *Client) Webhooks(ctx context.Context) ([]WebhookSubscription, error) {
	var out []WebhookSubscription
	cursor, seen := "", map[string]bool{}
	for {
		vars := map[string]any{"first": webhooksPageSize, "after": nil}
		if cursor != "" {
			vars["after"] = cursor
		}
		var d struct {
			Subs struct {
				PageInfo pageInfo `json:"pageInfo"`
				Nodes    []struct {
					ID    string `json:"id"`
					Topic string `json:"topic"`
					URI   string `json:"uri"`
				} `json:"nodes"`
			} `json:"webhookSubscriptions"`
		}
		if err := c.do(ctx, opWebhooks, webhooksQuery, vars, &d); err != nil {
			return nil, err
		}
		for _, n := range d.Subs.Nodes {
			out = append(out, WebhookSubscription{ID: n.ID, Topic: n.Topic, URI: n.URI})
		}
		next, err := d.Subs.PageInfo.next(seen)
		if err != nil {
			return nil, err
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// DeleteWebhook removes a subscription by id. A subscription that no
// longer exists counts as deleted, so a retried call succeeds.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	var d struct {
		Delete struct {
			UserErrors []userErrorJSON `json:"userErrors"`
		} `json:"webhookSubscriptionDelete"`
	}
	if err := c.do(ctx, opWebhookDelete, webhookDeleteMutation, map[string]any{"id": id}, &d); err != nil {
		return err
	}
	ue := userErrors("webhookSubscriptionDelete", d.Delete.UserErrors)
	if ue == nil {
		return nil
	}
	for _, e := range ue.Errors {
		m := strings.ToLower(e.Message)
		if strings.Contains(m, "does not exist") || strings.Contains(m, "not found") {
			return nil
		}
	}
	return fmt.Errorf("shopify: %s: %w", opWebhookDelete, ue)
}

// EnsureWebhooks makes uri the only address subscribed to each topic: it
// creates the missing subscriptions first (so no delivery falls into a gap),
// then deletes the app's subscriptions to those topics that point anywhere
// else, such as a previous tunnel URL. Call it whenever the public URL may
// have changed.
func (c *Client) EnsureWebhooks(ctx context.Context, uri string, topics ...string) error {
	want := map[string]bool{}
	for _, t := range topics {
		t = TopicEnum(t)
		want[t] = true
		if err := c.CreateWebhook(ctx, t, uri); err != nil {
			return err
		}
	}
	subs, err := c.Webhooks(ctx)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if want[s.Topic] && s.URI != uri {
			if err := c.DeleteWebhook(ctx, s.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
