package ui

// The thread accessors of the test harness (see export_test.go).

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// ThreadNote is the thread pane's empty-state title, "" when hidden.
func (h *Harness) ThreadNote() string {
	if !h.App.view.thread.empty.root.Visible() {
		return ""
	}
	return h.App.view.thread.empty.title.Text
}

// ThreadMessages returns the ids of the messages the thread shows.
func (h *Harness) ThreadMessages() []string {
	var ids []string
	for _, m := range h.App.view.thread.m.msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

// ThreadText returns the thread's column as text, one item a line: day
// separators and captions as they read, bubbles as "< text" (incoming)
// or "> text" (outgoing) with their time and extras.
func (h *Harness) ThreadText() string {
	var b strings.Builder
	for _, o := range h.App.view.thread.col.Objects {
		switch o := o.(type) {
		case *captionLine:
			b.WriteString("-- " + o.text.Text + "\n")
		case *bubble:
			side := "< "
			if o.outgoing() {
				side = "> "
			}
			var parts []string
			if o.card != nil {
				parts = append(parts, cardText(o.card))
			}
			if o.text != nil {
				parts = append(parts, o.text.Text)
			}
			if o.postback != nil {
				parts = append(parts, o.postback.Text)
			}
			for _, f := range o.files {
				if f.thumb != nil {
					parts = append(parts, fmt.Sprintf("picture %gx%g", f.thumb.size.Width, f.thumb.size.Height))
				}
				parts = append(parts, "["+linkText(f.link)+"]")
			}
			parts = append(parts, o.time.Text)
			if o.reaction != nil {
				parts = append(parts, o.reaction.Text)
			}
			b.WriteString(side + strings.Join(parts, " | ") + "\n")
		case *failNote:
			b.WriteString("!! " + o.reason.Text + " [" + o.retry.Text + "] [" + o.remove.Text + "]\n")
		}
	}
	return b.String()
}

// ThreadHeader is the name and subtitle over the thread.
func (h *Harness) ThreadHeader() (string, string) {
	t := h.App.view.thread
	return t.name.Text, t.sub.Text
}

// ThreadOffset is the thread scroller's offset, and the column's and the
// viewport's heights.
func (h *Harness) ThreadOffset() (offset, content, view float32) {
	t := h.App.view.thread
	return t.scroll.Offset.Y, t.col.Size().Height, t.scroll.Size().Height
}

// ScrollThreadTo scrolls the thread as the merchant would (call inside UI).
func (h *Harness) ScrollThreadTo(y float32) {
	t := h.App.view.thread
	t.scroll.ScrollToOffset(fyne.NewPos(0, y))
	t.scrolled(t.scroll.Offset)
}

// ThreadMessageY is where message id sits in the column, -1 if not shown.
func (h *Harness) ThreadMessageY(id string) float32 {
	if b := h.App.view.thread.bubbles[id]; b != nil {
		return b.Position().Y
	}
	return -1
}

func linkText(o fyne.CanvasObject) string {
	switch l := o.(type) {
	case *widget.Hyperlink:
		return l.Text
	case *widget.Label:
		return l.Text
	}
	return ""
}

// BubbleGeometry is a bubble's width, the thread's width, and its
// height.
func (h *Harness) BubbleGeometry(id string) (bubbleWidth, threadWidth, height float32) {
	b := h.App.view.thread.bubbles[id]
	if b == nil {
		return -1, -1, -1
	}
	return b.bg.Size().Width, b.Size().Width, b.Size().Height
}

// ThreadPictures counts the pictures the thread shows.
func (h *Harness) ThreadPictures() int {
	n := 0
	for _, b := range h.App.view.thread.bubbles {
		for _, f := range b.files {
			if f.thumb != nil {
				n++
			}
		}
	}
	return n
}
