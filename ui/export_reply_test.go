package ui

// The reply and products accessors of the test harness (see
// export_test.go). Call them inside UI.

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// Reply is the reply box as painted.
type Reply struct {
	Line                       string // the window in words
	Text                       string
	Shown, CanType, CanSend    bool // CanSend: the Send button is enabled
	HumanAgent, HumanAgentOpts bool // chosen; offered
}

// Reply returns the reply box as painted.
func (h *Harness) Reply() Reply {
	r := h.App.reply.box
	return Reply{Line: r.gate.line, Text: r.entry.Text, Shown: r.root.Visible(),
		CanType: !r.entry.Disabled(), CanSend: !r.send.Disabled(),
		HumanAgent: r.human.Checked, HumanAgentOpts: r.human.Visible()}
}

// TypeReply types s into the reply box, as keys would, at its cursor.
func (h *Harness) TypeReply(s string) {
	e := h.App.reply.box.entry
	h.App.win.Canvas().Focus(e)
	test.Type(e, s)
}

// PressEnter presses Return in the reply box, with Shift held or not.
func (h *Harness) PressEnter(shift bool) {
	e := h.App.reply.box.entry
	if shift {
		e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if shift {
		e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
}

// TapSend presses the Send button.
func (h *Harness) TapSend() { test.Tap(h.App.reply.box.send) }

// TapHumanAgent ticks or clears "Reply as human agent".
func (h *Harness) TapHumanAgent() { test.Tap(h.App.reply.box.human) }

// MoveReplyCursor puts the reply box's cursor at row, column.
func (h *Harness) MoveReplyCursor(row, col int) {
	e := h.App.reply.box.entry
	e.CursorRow, e.CursorColumn = row, col
}

// failNotes are the thread's notes under failed replies, top to bottom.
func (h *Harness) failNotes() []*failNote {
	var ns []*failNote
	for _, o := range h.App.view.thread.col.Objects {
		if n, ok := o.(*failNote); ok {
			ns = append(ns, n)
		}
	}
	return ns
}

// TapRetry presses Retry under the i-th failed reply.
func (h *Harness) TapRetry(i int) { test.Tap(h.failNotes()[i].retry) }

// TapDelete presses Delete under the i-th failed reply.
func (h *Harness) TapDelete(i int) { test.Tap(h.failNotes()[i].remove) }

// ToggleProducts presses the thread header's Products button.
func (h *Harness) ToggleProducts() { test.Tap(h.App.productsToggle) }

// ProductsShown reports whether the products panel is shown.
func (h *Harness) ProductsShown() bool { return h.App.products.root.Visible() }

// SearchProducts types q into the panel's search box, replacing it.
func (h *Harness) SearchProducts(q string) { h.App.products.search.SetText(q) }

// ProductsNote is the panel's empty-state title and button ("" hidden).
func (h *Harness) ProductsNote() (title, action, code string) {
	n := h.App.products.note
	if !n.root.Visible() {
		return "", "", ""
	}
	if n.action.Visible() {
		action = n.action.Text
	}
	if n.codeBox.Visible() {
		code = n.code.Text
	}
	return n.title.Text, action, code
}

// TapProductsNote presses the panel's empty-state button.
func (h *Harness) TapProductsNote() { test.Tap(h.App.products.note.action) }

// ProductsFoot is the line under the products, "" when hidden.
func (h *Harness) ProductsFoot() string {
	if f := h.App.products.foot; f.Visible() {
		return f.Text
	}
	return ""
}

// ProductRows returns the products the panel lists, painted as a row
// paints them: "title | detail | badge | insert card" with the buttons
// as "+" (enabled) or "-".
func (h *Harness) ProductRows() []string {
	p := h.App.products
	var rows []string
	for _, it := range p.m.items {
		r := newProductRow(p)
		r.set(it, p.shop.Currency, p.gate)
		rows = append(rows, fmt.Sprintf("%s | %s | %s | %s %s", r.title.Text, r.detail.Text, r.badge.text.Text,
			onOff(!r.insert.Disabled()), onOff(!r.card.Disabled())))
	}
	return rows
}

func onOff(on bool) string {
	if on {
		return "+"
	}
	return "-"
}

// productRow returns the painted row of the product titled title.
func (h *Harness) productRow(title string) *productRow {
	for _, o := range test.LaidOutObjects(h.App.products.list) {
		if r, ok := o.(*productRow); ok && r.Visible() && r.p.Title == title {
			return r
		}
	}
	h.T.Fatalf("no painted product row %q", title)
	return nil
}

// TapInsert presses Insert on the product titled title.
func (h *Harness) TapInsert(title string) { test.Tap(h.productRow(title).insert) }

// TapSendCard presses "Send as card" on the product titled title.
func (h *Harness) TapSendCard(title string) { test.Tap(h.productRow(title).card) }

// cardText is a card in ThreadText.
func cardText(c *cardPart) string {
	parts := []string{"card " + c.title.Text}
	if c.sub != nil {
		parts = append(parts, c.sub.Text)
	}
	if c.thumb != nil {
		parts = append(parts, "picture")
	}
	if c.view != nil {
		parts = append(parts, c.view.Text+" "+c.link.String())
	}
	return "[" + strings.Join(parts, " / ") + "]"
}
