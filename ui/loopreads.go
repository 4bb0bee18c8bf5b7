package ui

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// The loop's reads: each reads from the Inbox on the loop goroutine and
// queues the view model it makes for the UI goroutine.

// readList reads the first n rows of the inbox, or of a search, afresh.
// query is what the box held (kept as typed so the loop can tell when it
// changes), text what is searched.
func (l *loop) readList(ctx context.Context, text, query, pageID string, n int) {
	rows, next, err := l.fetchRows(ctx, text, pageID, "", n)
	l.list = loopList{loaded: true, query: query, pageID: pageID, rows: rows, next: next}
	m := listModel{rows: rows, more: next != "", query: text, pageID: pageID}
	if err != nil && !errors.Is(err, context.Canceled) {
		l.log.Warn("reading conversations", "err", err)
		m.err = err.Error()
	}
	l.queue(func() {
		l.a.view.setList(m)
		if len(rows) > 0 && l.log.Enabled(ctx, slog.LevelDebug) {
			// What the window now shows on top: how a test of the real
			// app sees a webhook reach the screen.
			top := rows[0].ref
			l.log.Debug("conversation list shown", "rows", len(rows), "top_page", top.PageID, "top_psid", top.PSID)
		}
	})
}

// readMore appends the next batch to the rows shown.
func (l *loop) readMore(ctx context.Context) {
	rows, next, err := l.fetchRows(ctx, strings.TrimSpace(l.list.query), l.list.pageID, l.list.next, listPage)
	if err != nil {
		l.log.Warn("reading more conversations", "err", err)
		return
	}
	all := make([]rowModel, 0, len(l.list.rows)+len(rows))
	all = append(append(all, l.list.rows...), rows...)
	l.list.rows, l.list.next = all, next
	m := listModel{rows: all, more: next != "", query: strings.TrimSpace(l.list.query), pageID: l.list.pageID}
	l.queue(func() { l.a.view.setList(m) })
}

func (l *loop) fetchRows(ctx context.Context, text, pageID, after string, n int) ([]rowModel, string, error) {
	if text != "" {
		hits, next, err := l.in.Search(ctx, SearchQuery{Text: text, PageID: pageID, After: after, Limit: n})
		rows := make([]rowModel, 0, len(hits))
		for _, h := range hits {
			rows = append(rows, l.hitRow(h, text))
		}
		return rows, next, err
	}
	convs, next, err := l.in.Conversations(ctx, ConversationQuery{PageID: pageID, After: after, Limit: n})
	rows := make([]rowModel, 0, len(convs))
	for _, c := range convs {
		rows = append(rows, l.convRow(c))
	}
	return rows, next, err
}

func (l *loop) convRow(c Conversation) rowModel {
	ref := c.Ref()
	return rowModel{
		key:     ref.PageID + "\x00" + ref.PSID,
		ref:     ref,
		name:    displayName(c.Conversation),
		page:    l.rowPage(ref.PageID),
		snippet: rowSnippet(c),
		at:      c.UpdatedAt,
		unread:  c.UnreadCount,
	}
}

// hitRow is a search hit: the conversation, with the matching message as
// its snippet and time.
func (l *loop) hitRow(h SearchHit, text string) rowModel {
	r := l.convRow(h.Conversation)
	if m := h.Message; m != nil {
		r.key += "\x00" + m.ID
		r.snippet = around(messageSummary(*m), text)
		if m.Direction == store.Outgoing {
			r.snippet = "You: " + r.snippet
		}
		r.at = m.CreatedAt
	}
	return r
}

// rowPage names the page on a row only when there is more than one.
func (l *loop) rowPage(id string) string {
	if len(l.pages) < 2 {
		return ""
	}
	return l.pageName[id]
}

// openThread reads the newest messages of ref (zero: close the thread).
func (l *loop) openThread(ctx context.Context, ref ConversationRef) {
	l.thread = loopThread{ref: ref}
	if ref.IsZero() {
		return
	}
	l.readThread(ctx, threadOpened)
	l.readDraft(ctx, ref)
	if l.thread.conv.UnreadCount > 0 {
		l.markRead(ctx)
	}
}

// refreshThread re-reads the newest messages of the open thread and keeps
// the older ones already loaded.
func (l *loop) refreshThread(ctx context.Context) {
	l.readThread(ctx, threadUpdated)
	if l.thread.conv.UnreadCount > 0 && l.a.active() {
		l.markRead(ctx)
	}
}

func (l *loop) readThread(ctx context.Context, change threadChange) {
	t := &l.thread
	conv, err := l.in.Conversation(ctx, t.ref)
	if err != nil {
		l.threadError(t.ref, err)
		return
	}
	msgs, older, err := l.in.Messages(ctx, t.ref, "", threadPage)
	if err != nil {
		l.threadError(t.ref, err)
		return
	}
	t.conv = conv
	if len(msgs) > 0 && len(t.msgs) > 0 && older != "" && overlaps(t.msgs, msgs[0]) {
		// Keep what was loaded above the newest batch, and its cursor.
		// Without an overlap there is a gap between them: the batch
		// stands alone, and scrolling up reads the gap.
		cut := 0
		for cut < len(t.msgs) && t.msgs[cut].CreatedAt.Before(msgs[0].CreatedAt) && t.msgs[cut].ID != msgs[0].ID {
			cut++
		}
		msgs = append(t.msgs[:cut:cut], msgs...)
		older = t.older
	}
	t.msgs, t.older = msgs, older
	l.queueThread(change)
}

// overlaps reports whether first, the oldest message of a new batch, is
// among or before the messages held.
func overlaps(held []store.Message, first store.Message) bool {
	last := held[len(held)-1]
	return last.ID == first.ID || !last.CreatedAt.Before(first.CreatedAt)
}

// readOlder adds the batch before the oldest message shown.
func (l *loop) readOlder(ctx context.Context) {
	t := &l.thread
	if t.ref.IsZero() || t.older == "" {
		return
	}
	msgs, older, err := l.in.Messages(ctx, t.ref, t.older, threadPage)
	if err != nil {
		l.threadError(t.ref, err)
		return
	}
	t.msgs = append(msgs[:len(msgs):len(msgs)], t.msgs...)
	t.older = older
	l.queueThread(threadOlder)
}

func (l *loop) queueThread(change threadChange) {
	t := l.thread
	m := threadModel{
		ref: t.ref, conv: t.conv, page: l.pageName[t.ref.PageID],
		msgs: t.msgs, older: t.older != "", change: change,
	}
	l.queue(func() {
		if l.a.reply != nil { // first: the reply box's height is then known
			l.a.reply.setConv(m.ref, m.conv.Conversation)
		}
		l.a.view.thread.set(m)
	})
}

func (l *loop) threadError(ref ConversationRef, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	l.log.Warn("reading a conversation", "err", err)
	m := threadModel{ref: ref, err: err.Error(), change: threadUpdated}
	l.queue(func() { l.a.view.thread.set(m) })
}

// markRead records the open thread as read. The list shows the open
// conversation read already (see convList.update); the rows are read
// again at the next refresh. Models handed to the UI are never changed
// in place: the UI goroutine may be reading them.
func (l *loop) markRead(ctx context.Context) {
	if err := l.act.MarkRead(ctx, l.thread.ref); err != nil {
		l.log.Warn("marking a conversation read", "err", err)
		return
	}
	l.thread.conv.UnreadCount = 0
	l.stale.list = true
}
