package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// listModel is what the conversation list shows: a window of rows already
// read (the newest, as far down as the merchant has scrolled), never the
// whole inbox.
type listModel struct {
	rows   []rowModel
	more   bool   // rows past the last one exist
	query  string // the search these rows answer, "" for the inbox
	pageID string // the page filter they answer, "" for all
	err    string // why the rows could not be read, "" when they could
}

// prefetchRows is how close to the end of the loaded rows the list may be
// scrolled before the next batch is asked for, so that it arrives before
// the merchant reaches the end.
const prefetchRows = 20

// convList is the virtualised conversation list. Rows bind to the model
// the loop delivered; painting a row never reads anything.
//
// Selection is kept by conversation, not by index, and drawn by the rows
// themselves: the widget's own selection follows an index, which moves
// whenever a conversation gets a message.
type convList struct {
	w        *widget.List
	m        listModel
	selected ConversationRef
	now      func() time.Time
	// onSelect runs (on the UI goroutine) when the merchant picks a row.
	onSelect func(rowModel)
	// wantMore asks the loop for rows beyond n (UI goroutine, must not block).
	wantMore func(n int)
	asked    int // the row count wantMore was last called with
}

func newConvList(now func() time.Time) *convList {
	l := &convList{now: now}
	l.w = widget.NewList(
		func() int { return len(l.m.rows) },
		func() fyne.CanvasObject { return newConvRow() },
		l.update,
	)
	l.w.OnSelected = func(id widget.ListItemID) {
		l.w.Unselect(id)
		if id < 0 || id >= len(l.m.rows) {
			return
		}
		row := l.m.rows[id]
		l.selectRef(row.ref)
		if l.onSelect != nil {
			l.onSelect(row)
		}
	}
	return l
}

func (l *convList) update(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(l.m.rows) {
		return
	}
	row := l.m.rows[id]
	selected := row.ref == l.selected
	if selected {
		row.unread = 0 // open, so being read; the store is told by the loop
	}
	o.(*convRow).set(row, selected, l.now())
	if l.m.more && id >= len(l.m.rows)-prefetchRows && l.asked < len(l.m.rows) && l.wantMore != nil {
		l.asked = len(l.m.rows)
		l.wantMore(len(l.m.rows))
	}
}

// selectRef highlights ref's rows (and no other) without scrolling.
func (l *convList) selectRef(ref ConversationRef) {
	if ref == l.selected {
		return
	}
	old := l.selected
	l.selected = ref
	for i, r := range l.m.rows {
		if r.ref == old || r.ref == ref {
			l.w.RefreshItem(i)
		}
	}
}

// set shows m. The rows on screen stay on screen: when rows are inserted
// above them (a conversation got a message and moved to the top) the
// offset moves by as many rows, unless the list was at the very top,
// where the merchant expects to see what is new.
func (l *convList) set(m listModel) {
	sameView := m.query == l.m.query && m.pageID == l.m.pageID
	offset := l.w.GetScrollOffset()
	step := rowHeight(l.w.Theme()) + l.w.Theme().Size(theme.SizeNamePadding)
	anchor, anchorAt := "", 0
	if sameView && offset > 0 && len(l.m.rows) > 0 {
		anchorAt = min(int(offset/step), len(l.m.rows)-1)
		anchor = l.m.rows[anchorAt].key
	}

	l.m = m
	if len(m.rows) < l.asked || !sameView {
		l.asked = 0
	}
	l.w.Refresh()

	switch {
	case !sameView:
		l.w.ScrollToTop()
	case anchor != "":
		for i, r := range m.rows {
			if r.key == anchor {
				if i != anchorAt {
					l.w.ScrollToOffset(offset + float32(i-anchorAt)*step)
				}
				break
			}
		}
	}
}
