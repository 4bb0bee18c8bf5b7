package uitest

import (
	"fmt"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// Sample pages: two, so rows name their page.
const (
	PageLila = "101"
	PageCafe = "102"
)

// Sample returns a Fake holding a realistic inbox as of now: two pages,
// customers writing in several scripts and languages, emoji, long names
// and long words, attachments, a postback, a reaction, read receipts,
// unread conversations, one thread long enough to page, and enough
// conversations that the list pages too. Its customers last wrote minutes,
// hours, days and weeks ago, so every state of the messaging window
// shows; it has a shop with a catalogue, a product card, a draft and a
// failed send (sample_products.go). It is what the widget tests and
// a quick look at the window use. Its events are drained: the window
// reads the data as it starts.
func Sample(now time.Time) *Fake {
	f := New(4096)
	f.AddPage(store.Page{ID: PageLila, Name: "Boutique Lila"})
	f.AddPage(store.Page{ID: PageCafe, Name: "Café Olé Concept Store"})
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	n := 0
	msg := func(page, psid string, dir store.Direction, when time.Time, text string) store.Message {
		n++
		return store.Message{ID: fmt.Sprintf("m_%s_%04d", psid, n), PageID: page, PSID: psid, Direction: dir, CreatedAt: when, Text: text}
	}
	in, out := store.Incoming, store.Outgoing

	// A long history with Ana, read up to yesterday, two unread at the end.
	for i := 0; i < 120; i++ {
		when := at(4*24*time.Hour - time.Duration(i)*20*time.Minute)
		dir := in
		text := fmt.Sprintf("Message %d about the summer collection", i+1)
		if i%3 == 2 {
			dir, text = out, fmt.Sprintf("Reply %d: yes, we ship to Lisbon in 2–3 days", i+1)
		}
		f.AddMessage("Ana Souza", msg(PageLila, "ana", dir, when, text), false)
	}
	f.AddMessage("", msg(PageLila, "ana", out, at(26*time.Hour), "Thank you Ana! Your parcel leaves tomorrow morning 📦"), false)
	f.AddMessage("", msg(PageLila, "ana", in, at(6*time.Minute), "Oi! Is the linen dress still available in size M? 😊"), false)
	f.AddMessage("", msg(PageLila, "ana", in, at(3*time.Minute), "And does it come in sage green? I saw it on your Instagram story yesterday and I love it, my sister wants one too"), false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageLila, PSID: "ana"}, 2)

	f.AddMessage("محمد العلي", msg(PageCafe, "mohammed", in, at(25*time.Minute), "مرحبا، هل يمكنني طلب القهوة بالجملة؟ نحتاج عشرين كيلو شهريا"), false)

	f.AddMessage("Jürgen Müller-Lüdenscheidt", msg(PageLila, "juergen", in, at(5*time.Hour), "Hallo, wo bleibt meine Bestellung #1043?"), false)
	f.AddMessage("", msg(PageLila, "juergen", out, at(2*time.Hour), "Your order #1043 shipped today. Tracking: https://tracking.example.com/DE/00340434161234567890"), false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageLila, PSID: "juergen"}, 0)
	f.setReceipts(ui.ConversationRef{PageID: PageLila, PSID: "juergen"}, at(110*time.Minute), at(100*time.Minute))

	wang := msg(PageCafe, "wangfang", in, at(27*time.Hour), "Buy now")
	wang.Postback = "BUY_NOW_SKU_2231"
	f.AddMessage("王芳", msg(PageCafe, "wangfang", in, at(28*time.Hour), "你好！这个咖啡豆还有货吗？"), false)
	f.AddMessage("", wang, false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageCafe, PSID: "wangfang"}, 0)

	f.AddMessage("Priya Ramanathan-Venkataraghavan Subramaniam", msg(PageLila, "priya", in, at(50*time.Hour),
		"Hi! My order code is SUPERCALIFRAGILISTICEXPIALIDOCIOUS-XJ2291-ZZ-0000-1111-2222-3333-4444 and it says pending since last week, can you check please?"), false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageLila, PSID: "priya"}, 0)

	zoeOut := msg(PageLila, "zoe", out, at(4*24*time.Hour+time.Hour), "Here is the photo of the blue one you asked about")
	zoeOut.Attachments = []store.Attachment{{Type: "image", URL: "https://cdn.example.com/p/blue-scarf.jpg"}}
	zoeOut.Reaction = "❤"
	f.AddMessage("Zoë 🌸 Smith", msg(PageLila, "zoe", in, at(4*24*time.Hour+2*time.Hour), "Do you have it in blue?"), false)
	f.AddMessage("", zoeOut, false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageLila, PSID: "zoe"}, 0)

	kwame := msg(PageCafe, "kwame", in, at(9*24*time.Hour), "")
	kwame.Attachments = []store.Attachment{{Type: "file", URL: "https://cdn.example.com/f/invoice-2291.pdf", Name: "invoice-2291.pdf"}}
	f.AddMessage("Kwame Mensah", kwame, false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageCafe, PSID: "kwame"}, 0)

	f.AddMessage("Ольга Петрова", msg(PageCafe, "olga", in, at(40*24*time.Hour), "Здравствуйте! Можно ли оплатить при получении?"), false)
	f.AddMessage("", msg(PageCafe, "olga", out, at(40*24*time.Hour-time.Hour), "Да, конечно."), false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageCafe, PSID: "olga"}, 0)

	f.AddMessage("", msg(PageLila, "unknown-42", in, at(400*24*time.Hour), "hello?"), false)
	f.markReadUpTo(ui.ConversationRef{PageID: PageLila, PSID: "unknown-42"}, 0)

	// Enough older customers that the list is read in batches.
	first := []string{"Lucas", "Sofia", "Mateo", "Emma", "Noah", "Amira", "Yuki", "Liam", "Chloé", "Omar", "Ines", "Kofi"}
	last := []string{"Martin", "García", "Rossi", "Nowak", "Silva", "Haddad", "Tanaka", "Dubois", "Jensen", "Okafor"}
	for i := 0; i < 140; i++ {
		psid := fmt.Sprintf("c%03d", i)
		page := PageLila
		if i%3 == 0 {
			page = PageCafe
		}
		name := first[i%len(first)] + " " + last[i%len(last)]
		when := at(time.Duration(10+i) * 24 * time.Hour)
		f.AddMessage(name, msg(page, psid, in, when, fmt.Sprintf("Hello, question about order #%d", 2000+i)), false)
		if i%4 == 0 {
			f.AddMessage("", msg(page, psid, out, when.Add(time.Hour), "Thanks, we're on it!"), false)
		}
		f.markReadUpTo(ui.ConversationRef{PageID: page, PSID: psid}, 0)
	}

	f.status = ui.Status{
		Shop:   "lila-boutique.myshopify.com",
		Pages:  2,
		Tunnel: ui.Tunnel{State: ui.TunnelUp, URL: "https://lila.ngrok.app"},
		Sync:   ui.SyncStatus{Last: at(48 * time.Minute), Next: time.Date(now.Year(), now.Month(), now.Day()+1, 3, 0, 0, 0, now.Location())},
	}
	f.sampleReplies(now)
	f.DrainEvents()
	return f
}

// markReadUpTo leaves unread incoming messages at the conversation's
// end unread, the rest read.
func (f *Fake) markReadUpTo(ref ui.ConversationRef, unread int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.convs[ref].UnreadCount = unread
}

func (f *Fake) setReceipts(ref ui.ConversationRef, delivered, read time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.convs[ref].DeliveredAt, f.convs[ref].ReadAt = delivered, read
}

// DrainEvents discards the events not read yet.
func (f *Fake) DrainEvents() {
	for {
		select {
		case <-f.events:
		default:
			f.mu.Lock()
			f.behind = false
			f.mu.Unlock()
			return
		}
	}
}
