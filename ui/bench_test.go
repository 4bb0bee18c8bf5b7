package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// What the UI goroutine spends applying the loop's models: it must stay
// well under a frame (16 ms) for the window to keep up with a burst.

func benchMessages(n int, offset int) []store.Message {
	msgs := make([]store.Message, n)
	for i := range msgs {
		dir := store.Incoming
		if i%3 == 0 {
			dir = store.Outgoing
		}
		text := fmt.Sprintf("message %d about the summer collection", i+offset)
		if i%5 == 0 {
			text += ", with a longer text that wraps over more than one line in a bubble of the thread"
		}
		msgs[i] = store.Message{ID: fmt.Sprint("m", i+offset), Direction: dir, Text: text,
			CreatedAt: testNow.Add(-time.Duration(n-i) * 17 * time.Minute)}
	}
	return msgs
}

func benchThread(b *testing.B) *threadView {
	test.NewTempApp(b)
	tv := newThreadView(func() time.Time { return testNow })
	w := test.NewTempWindow(b, tv.root)
	w.Resize(fyne.NewSize(760, 680))
	return tv
}

// Opening a conversation: 50 new bubbles, measured and laid out.
func BenchmarkThreadOpen50(b *testing.B) {
	tv := benchThread(b)
	ref := ConversationRef{PageID: "p", PSID: "a"}
	for i := 0; b.Loop(); i++ {
		tv.open(rowModel{ref: ref, name: "Ana"})
		tv.set(threadModel{ref: ref, msgs: benchMessages(50, i*50), change: threadOpened})
		tv.ref = ConversationRef{} // the next open is a new one
	}
}

// A live message in an open thread of 50: one new bubble, the rest kept.
func BenchmarkThreadLiveMessage(b *testing.B) {
	tv := benchThread(b)
	ref := ConversationRef{PageID: "p", PSID: "a"}
	tv.open(rowModel{ref: ref, name: "Ana"})
	msgs := benchMessages(50, 0)
	tv.set(threadModel{ref: ref, msgs: msgs, change: threadOpened})
	for i := 0; b.Loop(); i++ {
		next := append(msgs[1:len(msgs):len(msgs)], store.Message{ID: fmt.Sprint("live", i), Direction: store.Incoming, Text: "still there?", CreatedAt: testNow})
		tv.set(threadModel{ref: ref, msgs: next, change: threadUpdated})
		msgs = next
	}
}

// A refresh of the list: 200 rows loaded, the visible ones repainted.
func BenchmarkListSet(b *testing.B) {
	test.NewTempApp(b)
	l := newConvList(func() time.Time { return testNow })
	w := test.NewTempWindow(b, l.w)
	w.Resize(fyne.NewSize(340, 640))
	rows := make([]rowModel, 200)
	for i := range rows {
		ref := ConversationRef{PageID: "p", PSID: fmt.Sprint("c", i)}
		rows[i] = rowModel{key: ref.PSID, ref: ref, name: fmt.Sprint("Customer ", i), page: "Boutique Lila",
			snippet: "Hello, question about my order", at: testNow.Add(-time.Duration(i) * time.Hour), unread: i % 3}
	}
	for i := 0; b.Loop(); i++ {
		rows[0].at = testNow.Add(-time.Duration(i) * time.Second)
		l.set(listModel{rows: rows, more: true})
	}
}
