package ui_test

import (
	"errors"
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

func withAttachment(m store.Message, a store.Attachment) store.Message {
	m.Attachments = append(m.Attachments, a)
	return m
}

// A picture shows as a thumbnail over its link once loaded, shrunk to
// 240×180 at most with its aspect kept (a small one keeps its size); a
// file stays a link and is never fetched; a picture that cannot be
// loaded stays a link.
func TestThreadPictures(t *testing.T) {
	const (
		photo   = "https://cdn.example.com/p/blue-scarf.jpg"
		sticker = "https://cdn.example.com/s/thumbs-up.png"
		broken  = "https://cdn.example.com/p/gone.jpg"
		invoice = "https://cdn.example.com/f/invoice.pdf"
	)
	images := uitest.NewImages()
	images.Put(photo, uitest.PNG(800, 500, color.NRGBA{R: 40, G: 90, B: 200, A: 255}))
	images.Put(sticker, uitest.PNG(96, 64, color.NRGBA{R: 240, G: 170, B: 20, A: 255}))
	images.Fail(broken, errors.New("HTTP 404"))
	images.Put(invoice, []byte("%PDF-1.7")) // served, but a file is never asked for

	f := uitest.New(64)
	f.AddPage(store.Page{ID: "p1", Name: "Boutique Lila"})
	at := func(min int) time.Time {
		return time.Date(now.Year(), now.Month(), now.Day(), 9, min, 0, 0, now.Location())
	}
	f.AddMessage("Zoë Smith", message("p1", "zoe", "m1", store.Incoming, at(1), "Do you have this in blue?"), false)
	f.AddMessage("", withAttachment(message("p1", "zoe", "m2", store.Outgoing, at(2), "Here it is"),
		store.Attachment{Type: "image", URL: photo}), false)
	f.AddMessage("", withAttachment(message("p1", "zoe", "m3", store.Incoming, at(3), ""),
		store.Attachment{Type: "sticker", URL: sticker}), false)
	f.AddMessage("", withAttachment(message("p1", "zoe", "m4", store.Incoming, at(4), ""),
		store.Attachment{Type: "image", URL: broken}), false)
	f.AddMessage("", withAttachment(message("p1", "zoe", "m5", store.Incoming, at(5), ""),
		store.Attachment{Type: "file", URL: invoice, Name: "invoice.pdf"}), false)

	h := ui.NewHarness(t, f, ui.HarnessOptions{Images: images, Theme: variant(theme.VariantLight)}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("two pictures", func() bool { return h.ThreadPictures() == 2 })
	h.Eventually("the broken picture asked for", func() bool { return images.Asked(broken) == 1 })
	want := strings.Join([]string{
		"-- This is the start of your conversation with Zoë Smith",
		"-- Today",
		"< Do you have this in blue? | 09:01",
		"> Here it is | picture 240x150 | [Photo] | 09:02",
		"-- Sent",
		"< picture 96x64 | [Sticker] | 09:03",
		"< [Photo] | 09:04",
		"< [File: invoice.pdf] | 09:05",
	}, "\n") + "\n"
	h.UI(func() {
		if got := h.ThreadText(); got != want {
			t.Errorf("thread:\n%s\nwant:\n%s", got, want)
		}
		if bw, _, _ := h.BubbleGeometry("m2"); bw < 240 {
			t.Errorf("bubble of the photo is %v wide, narrower than its picture", bw)
		}
	})
	if n := images.Asked(invoice); n != 0 {
		t.Errorf("the PDF was fetched %d times, want never", n)
	}
	if n := images.Asked(photo); n != 1 {
		t.Errorf("the photo was fetched %d times, want once", n)
	}
	h.Screenshot("thread-pictures")
}

// Pictures that arrive after their bubbles grow them: a merchant at the
// end of the thread stays at the end, and one who scrolled up to older
// messages keeps reading the same message at the same place.
func TestThreadPicturesHoldTheView(t *testing.T) {
	images := uitest.NewImages()
	f := uitest.New(512)
	f.AddPage(store.Page{ID: "p1", Name: "Lila"})
	for i := range 120 {
		m := message("p1", "ana", fmt.Sprintf("ana-%03d", i), store.Incoming, now.Add(-time.Duration(120-i)*time.Minute), fmt.Sprintf("message %d", i))
		if i%5 == 0 {
			u := fmt.Sprintf("https://cdn.example.com/p/%03d.jpg", i)
			images.Put(u, uitest.PNG(400, 300, color.NRGBA{R: 200, G: 60, B: 90, A: 255}))
			m = withAttachment(m, store.Attachment{Type: "image", URL: u})
		}
		f.AddMessage("Ana", m, false)
	}
	images.Hold()
	h := ui.NewHarness(t, f, ui.HarnessOptions{Images: images}).Start().Loaded()
	h.UI(func() { h.TapRow(0) })
	h.Eventually("the latest 50", func() bool { return len(h.ThreadMessages()) == 50 })
	atEnd := func(when string) {
		t.Helper()
		h.UI(func() {
			off, content, view := h.ThreadOffset()
			if off < content-view-1 {
				t.Errorf("%s: offset %v of content %v in view %v, want the end in view", when, off, content, view)
			}
		})
	}
	atEnd("opened")
	var heightBefore float32
	h.UI(func() { _, heightBefore, _ = h.ThreadOffset() })
	images.Release()
	h.Eventually("the latest 50's 10 pictures", func() bool { return h.ThreadPictures() == 10 })
	h.UI(func() {
		if _, content, _ := h.ThreadOffset(); content <= heightBefore {
			t.Errorf("content %v high with pictures, %v without: the pictures took no room", content, heightBefore)
		}
	})
	atEnd("pictures loaded")

	images.Hold() // the older messages' pictures wait
	var before float32
	h.UI(func() {
		h.ScrollThreadTo(0)
		off, _, _ := h.ThreadOffset()
		before = h.ThreadMessageY("ana-070") - off
	})
	h.Eventually("50 older", func() bool { return len(h.ThreadMessages()) == 100 })
	onScreen := func(when string) {
		t.Helper()
		h.UI(func() {
			off, _, _ := h.ThreadOffset()
			if after := h.ThreadMessageY("ana-070") - off; after < before-0.5 || after > before+0.5 {
				t.Errorf("%s: ana-070 moved on screen from %v to %v", when, before, after)
			}
		})
	}
	onScreen("older messages loaded")
	images.Release()
	h.Eventually("the older messages' pictures", func() bool { return h.ThreadPictures() == 20 })
	onScreen("their pictures loaded")
}
