package facebook

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
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

// conversationFields are the fields the app reads of a conversation.
const conversationFields = "id,updated_time,participants,message_count,unread_count,snippet"

// Conversations lists a Page's Messenger conversations, most recently
// updated first, following paging.next until Meta stops sending one.
// pageSize sets limit (0: Meta's default). Graph has no "since" filter:
// break out of the loop once UpdatedTime is older than the last sync, and no
// further page is fetched. On an error the sequence yields it once and ends.
func (c *Client) Conversations(ctx context.Context, pageID, token string, pageSize int) iter.Seq2[Conversation, error] {
	q := url.Values{"platform": {"messenger"}, "fields": {conversationFields}}
	setLimit(q, pageSize)
	u, err := c.endpoint(q, pageID, "conversations")
	return paginate(ctx, c, u, err, token, wireConversation.conversation)
}

// ConversationQuery shapes a walk of a Page's conversations.
type ConversationQuery struct {
	PageSize int // limit of a page read in full (0: Meta's default)
	// SkimSize is the limit of a skimmed page, which carries only each
	// conversation's id and updated_time and so can be larger (0: PageSize).
	SkimSize int
	// Messages, when positive, nests each conversation's newest Messages
	// messages in the list call (messages.limit(N){...}), so that most
	// conversations need no call of their own.
	Messages int
}

// fields is the fields parameter of a conversation read in full.
func (q ConversationQuery) fields() string {
	if q.Messages <= 0 {
		return conversationFields
	}
	return fmt.Sprintf("%s,messages.limit(%d){%s}", conversationFields, q.Messages, messageFields)
}

// ConversationWalk walks a Page's Messenger conversations, most recently
// updated first, one Graph call at a time (see Pages). A walk that must
// pass over conversations it already has can skim: read only ids and
// times, in larger pages, and read in full again from where it stopped
// skimming.
type ConversationWalk struct {
	pages      *Pages[Conversation]
	full, skim url.Values // the query parameters that differ
	skimming   bool
}

// WalkConversations starts a walk; nothing is read before the first Next.
func (c *Client) WalkConversations(pageID, token string, q ConversationQuery) *ConversationWalk {
	full := url.Values{"fields": {q.fields()}}
	setLimit(full, q.PageSize)
	skim := url.Values{"fields": {"id,updated_time"}}
	setLimit(skim, cmp.Or(q.SkimSize, q.PageSize))
	first := url.Values{"platform": {"messenger"}}
	maps.Copy(first, full)
	u, err := c.endpoint(first, pageID, "conversations")
	return &ConversationWalk{pages: newPages(c, u, err, token, wireConversation.conversation), full: full, skim: skim}
}

// More reports whether Next has a page to read.
func (w *ConversationWalk) More() bool { return w.pages.More() }

// Next reads the next page: full conversations, or ids and times only
// while skimming. After an error, Next retries the same page.
func (w *ConversationWalk) Next(ctx context.Context) ([]Conversation, error) {
	return w.pages.Next(ctx)
}

// Skimming reports whether the walk reads ids and times only.
func (w *ConversationWalk) Skimming() bool { return w.skimming }

// Skim makes the following pages carry only ids and updated times. It is
// for conversations the caller already has: a walk resuming far down the
// list passes over them in a fraction of the calls.
func (w *ConversationWalk) Skim() {
	if !w.skimming {
		w.skimming = true
		w.pages.reshape(w.skim, false)
	}
}

// Unskim reads in full again, starting over from the beginning of the
// page just skimmed (the first conversation of it the caller wants is
// somewhere in it), so the next Next repeats that position.
func (w *ConversationWalk) Unskim() {
	if w.skimming {
		w.skimming = false
		w.pages.reshape(w.full, true)
	}
}

// Conversation reads one conversation by its id, with the fields a walk
// reads (q's Messages; its page sizes do not apply): for a conversation
// that failed during a walk and is read again on its own.
func (c *Client) Conversation(ctx context.Context, conversationID, token string, q ConversationQuery) (Conversation, error) {
	u, err := c.endpoint(url.Values{"fields": {q.fields()}}, conversationID)
	if err != nil {
		return Conversation{}, err
	}
	var w wireConversation
	if err := c.do(ctx, http.MethodGet, u, token, nil, &w); err != nil {
		return Conversation{}, err
	}
	return w.conversation(), nil
}

// Messages lists a conversation's messages, newest first, following
// paging.next. pageSize sets limit (0: Meta's default).
func (c *Client) Messages(ctx context.Context, conversationID, token string, pageSize int) iter.Seq2[Message, error] {
	q := url.Values{"fields": {messageFields}}
	setLimit(q, pageSize)
	u, err := c.endpoint(q, conversationID, "messages")
	return paginate(ctx, c, u, err, token, wireMessage.message)
}

// MessagePages walks a conversation's messages, newest first, one call
// at a time (see Pages). pageSize sets limit (0: Meta's default).
func (c *Client) MessagePages(conversationID, token string, pageSize int) *Pages[Message] {
	q := url.Values{"fields": {messageFields}}
	setLimit(q, pageSize)
	u, err := c.endpoint(q, conversationID, "messages")
	return newPages(c, u, err, token, wireMessage.message)
}

// MoreMessages walks the messages of conv that conv.Messages does not
// carry, newest first: from the nested page's paging.next when conv was
// read with nested messages (an empty walk when that page held them all),
// else the whole /{conversation-id}/messages edge. pageSize sets limit
// (0: the nested page's, or Meta's default).
func (c *Client) MoreMessages(conv Conversation, token string, pageSize int) *Pages[Message] {
	if !conv.nested {
		return c.MessagePages(conv.ID, token, pageSize)
	}
	if conv.messagesNext == "" {
		return newPages[wireMessage](c, nil, nil, token, wireMessage.message)
	}
	u, err := c.nextURL(conv.messagesNext)
	if err == nil && pageSize > 0 {
		q := u.Query()
		setLimit(q, pageSize)
		u.RawQuery = q.Encode()
	}
	return newPages(c, u, err, token, wireMessage.message)
}

// messageFields are the fields the app reads of a message.
const messageFields = "id,created_time,from,to,message,attachments"

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
