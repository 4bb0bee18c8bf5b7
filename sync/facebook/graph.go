package facebook

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page reads a Page's name and category.
func (c *Client) Page(ctx context.Context, pageID, token string) (Page, error) {
	u, err := c.endpoint(url.Values{"fields": {"id,name,category"}}, pageID)
	if err != nil {
		return Page{}, err
	}
	var w wirePage
	if err := c.do(ctx, http.MethodGet, u, token, nil, &w); err != nil {
		return Page{}, err
	}
	return Page(w), nil
}

// Conversations lists a Page's Messenger conversations, most recently
// updated first, following paging.next until Meta stops sending one.
// pageSize sets limit (0: Meta's default). Graph has no "since" filter:
// break out of the loop once UpdatedTime is older than the last sync, and no
// further page is fetched. On an error the sequence yields it once and ends.
func (c *Client) Conversations(ctx context.Context, pageID, token string, pageSize int) iter.Seq2[Conversation, error] {
	q := url.Values{
		"platform": {"messenger"},
		"fields":   {"id,updated_time,participants,message_count,unread_count,snippet"},
	}
	setLimit(q, pageSize)
	u, err := c.endpoint(q, pageID, "conversations")
	return paginate(ctx, c, u, err, token, wireConversation.conversation)
}

// Messages lists a conversation's messages, newest first, following
// paging.next. pageSize sets limit (0: Meta's default).
func (c *Client) Messages(ctx context.Context, conversationID, token string, pageSize int) iter.Seq2[Message, error] {
	q := url.Values{"fields": {"id,created_time,from,to,message,attachments"}}
	setLimit(q, pageSize)
	u, err := c.endpoint(q, conversationID, "messages")
	return paginate(ctx, c, u, err, token, wireMessage.message)
}

func setLimit(q url.Values, n int) {
	if n > 0 {
		q.Set("limit", strconv.Itoa(n))
	}
}

// SubscribePage subscribes the app to a Page's webhook fields (for example
// "messages", "message_echoes"). Meta unsubscribes pages whose webhook kept
// failing for an hour, so this is meant to be called again on every start.
func (c *Client) SubscribePage(ctx context.Context, pageID, token string, fields []string) error {
	if len(fields) == 0 {
		return errors.New("facebook: SubscribePage needs at least one field")
	}
	u, err := c.endpoint(nil, pageID, "subscribed_apps")
	if err != nil {
		return err
	}
	var res struct {
		Success bool `json:"success"`
	}
	form := url.Values{"subscribed_fields": {strings.Join(fields, ",")}}
	if err := c.do(ctx, http.MethodPost, u, token, form, &res); err != nil {
		return err
	}
	if !res.Success {
		return errors.New("facebook: POST " + u.Path + ": Graph answered success=false")
	}
	return nil
}
