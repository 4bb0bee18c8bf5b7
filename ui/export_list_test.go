package ui

// The list and search accessors of the test harness (see export_test.go).

import (
	"slices"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Row is a list row as painted.
type Row struct {
	Name, Page, Snippet, When string
	Unread                    int
	Selected, Bold            bool
}

// Rows returns the rows the list holds, painted as of the harness clock:
// the same words the row widget shows (call inside UI).
func (h *Harness) Rows() []Row {
	l := h.App.view.list
	var rows []Row
	for _, m := range l.m.rows {
		sel := m.ref == l.selected
		unread := m.unread
		if sel {
			unread = 0
		}
		rows = append(rows, Row{Name: m.name, Page: m.page, Snippet: m.snippet,
			When: listTime(m.at, h.Clock.Now()), Unread: unread, Selected: sel, Bold: unread > 0})
	}
	return rows
}

// PaintedRows returns what the list's visible row widgets show (call
// inside UI).
func (h *Harness) PaintedRows() []Row {
	var rows []Row
	var ys []float32
	list := h.App.view.list.w
	top, bottom := list.GetScrollOffset(), list.GetScrollOffset()+list.Size().Height
	for _, o := range test.LaidOutObjects(list) {
		r, ok := o.(*convRow)
		if !ok || !r.Visible() || r.m.key == "" {
			continue
		}
		// The row sits in a list item inside the scrolled content.
		y := fyne.CurrentApp().Driver().AbsolutePositionForObject(r).Y - fyne.CurrentApp().Driver().AbsolutePositionForObject(list).Y + top
		if y+r.Size().Height <= top || y >= bottom {
			continue
		}
		i := sort.Search(len(ys), func(i int) bool { return ys[i] > y })
		ys = slices.Insert(ys, i, y)
		rows = slices.Insert(rows, i, Row{Name: r.m.name, Page: r.m.page, Snippet: r.m.snippet, When: r.when,
			Unread: r.m.unread, Selected: r.selected, Bold: r.m.unread > 0})
	}
	return rows
}

// TapRow picks the i-th row as a click would (call inside UI).
func (h *Harness) TapRow(i int) { h.App.view.list.w.Select(i) }

// ScrollListTo scrolls the list to row i (call inside UI).
func (h *Harness) ScrollListTo(i int) { h.App.view.list.w.ScrollTo(i) }

// ListOffset is the list's scroll offset (call inside UI).
func (h *Harness) ListOffset() float32 { return h.App.view.list.w.GetScrollOffset() }

// ListMore reports whether the list knows of rows past the loaded ones.
func (h *Harness) ListMore() bool { return h.App.view.list.m.more }

// Search types text into the search box (call inside UI).
func (h *Harness) Search(text string) { h.App.view.search.entry.SetText(text) }

// SearchText is what the search box holds (call inside UI).
func (h *Harness) SearchText() string { return h.App.view.search.entry.Text }

// TypeSearch types into the focused search box key by key (call inside UI).
func (h *Harness) TypeSearch(text string) { test.Type(h.App.view.search.entry, text) }

// FilterOptions are the page filter's choices, and whether it is shown.
func (h *Harness) FilterOptions() ([]string, bool) {
	f := h.App.view.search.filter
	return append([]string(nil), f.Options...), f.Visible()
}

// Filter picks a page filter choice by its label (call inside UI).
func (h *Harness) Filter(label string) { h.App.view.search.filter.SetSelected(label) }

// ListNote is the list's empty-state title, "" when hidden (call inside UI).
func (h *Harness) ListNote() string {
	if !h.App.view.listNote.root.Visible() {
		return ""
	}
	return h.App.view.listNote.title.Text
}

// Welcome is the welcome screen's title and command, "" when hidden.
func (h *Harness) Welcome() (title, command string) {
	w := h.App.view.welcome
	if !w.root.Visible() {
		return "", ""
	}
	return w.title.Text, w.code.Text
}

// RowGeometry is where a painted row put its parts.
type RowGeometry struct {
	Height, Width           float32
	NameRight, WhenLeft     float32
	SnippetRight, BadgeLeft float32
	NameTruncated, HasBadge bool
}

// RowGeometries measures the visible rows (call inside UI).
func (h *Harness) RowGeometries() []RowGeometry {
	var out []RowGeometry
	for _, o := range test.LaidOutObjects(h.App.view.list.w) {
		r, ok := o.(*convRow)
		if !ok || !r.Visible() || r.m.key == "" {
			continue
		}
		rr := test.WidgetRenderer(r).(*rowRenderer)
		inner := r.Theme().Size(theme.SizeNameInnerPadding)
		g := RowGeometry{
			Height: r.Size().Height, Width: r.Size().Width,
			NameRight:    rr.name.Position().X + rr.name.Size().Width - inner,
			WhenLeft:     rr.when.Position().X,
			SnippetRight: rr.snippet.Position().X + rr.snippet.Size().Width - inner,
			BadgeLeft:    rr.badge.Position().X,
			HasBadge:     rr.badge.Visible(),
		}
		g.NameTruncated = fyne.MeasureText(r.m.name, r.Theme().Size(theme.SizeNameText), rr.name.TextStyle).Width > rr.name.Size().Width-2*inner
		out = append(out, g)
	}
	return out
}
