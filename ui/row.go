package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rowModel is one line of the conversation list, with every string worked
// out by the event loop (off the UI goroutine) except the relative time,
// which depends on when the row is painted.
type rowModel struct {
	key     string // unique in the list: the ref, plus the message id of a search hit
	ref     ConversationRef
	name    string
	page    string // the page's name when several pages are synced, else ""
	snippet string
	at      time.Time
	unread  int
}

const avatarSize = 40

// convRow draws a rowModel: avatar, name and time on the first line,
// page and snippet on the second, an unread count at the end. It is one
// fixed height whatever the text, so the list can stay virtual: long
// names and snippets are cut with an ellipsis, never wrapped.
type convRow struct {
	widget.BaseWidget
	m        rowModel
	when     string
	selected bool
}

func newConvRow() *convRow {
	r := &convRow{}
	r.ExtendBaseWidget(r)
	return r
}

// set shows m; now is the clock for the relative time.
func (r *convRow) set(m rowModel, selected bool, now time.Time) {
	when := listTime(m.at, now)
	if m == r.m && when == r.when && selected == r.selected {
		return
	}
	r.m, r.when, r.selected = m, when, selected
	r.Refresh()
}

func (r *convRow) MinSize() fyne.Size {
	return fyne.NewSize(avatarSize*4, rowHeight(r.Theme()))
}

// rowHeight is two lines of text with the theme's spacing around them,
// and never less than the avatar with padding.
func rowHeight(th fyne.Theme) float32 {
	line := lineHeight(th, theme.SizeNameText)
	inner := th.Size(theme.SizeNameInnerPadding)
	return max(2*line+th.Size(theme.SizeNamePadding)+inner*1.5, avatarSize+inner)
}

func lineHeight(th fyne.Theme, size fyne.ThemeSizeName) float32 {
	return fyne.MeasureText("Mg", th.Size(size), fyne.TextStyle{}).Height
}

func (r *convRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &rowRenderer{
		row:     r,
		bg:      canvas.NewRectangle(nil),
		avatar:  newAvatar(avatarSize),
		name:    widget.NewLabel(""),
		when:    canvas.NewText("", nil),
		page:    widget.NewRichText(&widget.TextSegment{}),
		snippet: widget.NewRichText(&widget.TextSegment{}),
		badge:   canvas.NewRectangle(nil),
		count:   canvas.NewText("", nil),
	}
	rr.name.Truncation = fyne.TextTruncateEllipsis
	rr.page.Truncation = fyne.TextTruncateEllipsis
	rr.snippet.Truncation = fyne.TextTruncateEllipsis
	rr.count.TextStyle.Bold = true
	rr.count.Alignment = fyne.TextAlignCenter
	rr.Refresh()
	return rr
}

type rowRenderer struct {
	row           *convRow
	bg            *canvas.Rectangle
	avatar        *avatar
	name          *widget.Label
	when          *canvas.Text
	page, snippet *widget.RichText
	badge         *canvas.Rectangle
	count         *canvas.Text
}

func (r *rowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.avatar, r.name, r.when, r.page, r.snippet, r.badge, r.count}
}

func (r *rowRenderer) Destroy() {}

func (r *rowRenderer) MinSize() fyne.Size { return r.row.MinSize() }

// Layout places the parts by hand: two text lines beside the avatar, the
// time and the unread count pinned right. Labels draw their text inset by
// the theme's inner padding, so each is placed that much up and left of
// where its glyphs should start.
func (r *rowRenderer) Layout(size fyne.Size) {
	th := r.row.Theme()
	pad := th.Size(theme.SizeNamePadding)
	inner := th.Size(theme.SizeNameInnerPadding)
	line := lineHeight(th, theme.SizeNameText)

	r.bg.Resize(size)
	r.avatar.Move(fyne.NewPos(inner, (size.Height-avatarSize)/2))
	r.avatar.Resize(fyne.NewSquareSize(avatarSize))

	left := inner + avatarSize + inner*1.5
	right := size.Width - inner
	top := (size.Height - 2*line - pad) / 2
	second := top + line + pad

	whenSize := r.when.MinSize()
	r.when.Move(fyne.NewPos(right-whenSize.Width, top+(line-whenSize.Height)/2))
	r.when.Resize(whenSize)
	placeText(r.name, left, top, right-whenSize.Width-inner-left, line, inner)

	end := right
	if r.row.m.unread > 0 {
		cs := r.count.MinSize()
		h := cs.Height + pad/2
		w := max(cs.Width+pad*2.5, h)
		r.badge.CornerRadius = h / 2
		r.badge.Move(fyne.NewPos(right-w, second+(line-h)/2))
		r.badge.Resize(fyne.NewSize(w, h))
		r.count.Move(fyne.NewPos(right-w, second+(line-cs.Height)/2))
		r.count.Resize(fyne.NewSize(w, cs.Height))
		end = right - w - inner
	}

	x := left
	if r.row.m.page != "" {
		tw := min(segmentWidth(r.page, th)+1, (end-left)*0.4)
		placeText(r.page, x, second, tw, line, inner)
		x += tw + inner
	}
	placeText(r.snippet, x, second, end-x, line, inner)
}

// placeText puts a text widget so that its glyphs start at (x, y) in a box
// w wide and line high, allowing for its inner padding.
func placeText(o fyne.CanvasObject, x, y, w, line, inner float32) {
	o.Move(fyne.NewPos(x-inner, y-inner))
	o.Resize(fyne.NewSize(max(w, 0)+2*inner, line+2*inner))
}

// segmentWidth is the natural width of a one-segment RichText's text.
func segmentWidth(t *widget.RichText, th fyne.Theme) float32 {
	seg := t.Segments[0].(*widget.TextSegment)
	size := th.Size(seg.Style.SizeName)
	return fyne.MeasureText(seg.Text, size, seg.Style.TextStyle).Width
}

func (r *rowRenderer) Refresh() {
	th := r.row.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	m := r.row.m
	unread := m.unread > 0

	r.bg.FillColor = th.Color(theme.ColorNameSelection, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameSelectionRadius)
	r.bg.Hidden = !r.row.selected

	r.avatar.set(m.name, m.ref.PSID)

	r.name.Text = m.name
	r.name.TextStyle.Bold = unread
	r.name.Refresh()

	r.when.Text = r.row.when
	r.when.TextSize = th.Size(theme.SizeNameCaptionText)
	r.when.TextStyle.Bold = unread
	r.when.Color = th.Color(theme.ColorNamePlaceHolder, v)
	if unread {
		r.when.Color = th.Color(theme.ColorNamePrimary, v)
	}

	setSegment(r.page, m.page, theme.ColorNamePrimary, fyne.TextStyle{})
	r.page.Hidden = m.page == ""
	snippetColour := theme.ColorNamePlaceHolder
	if unread {
		snippetColour = theme.ColorNameForeground
	}
	setSegment(r.snippet, m.snippet, snippetColour, fyne.TextStyle{})

	r.badge.Hidden, r.count.Hidden = !unread, !unread
	r.badge.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.count.Color = th.Color(theme.ColorNameForegroundOnPrimary, v)
	r.count.TextSize = th.Size(theme.SizeNameCaptionText)
	r.count.Text = unreadCount(m.unread)

	r.Layout(r.row.Size())
	for _, o := range []fyne.CanvasObject{r.bg, r.when, r.page, r.snippet, r.badge, r.count} {
		o.Refresh()
	}
}

// setSegment replaces a one-segment RichText's text and colour.
func setSegment(t *widget.RichText, text string, colour fyne.ThemeColorName, style fyne.TextStyle) {
	seg := t.Segments[0].(*widget.TextSegment)
	seg.Text = text
	seg.Style = widget.RichTextStyle{Inline: true, ColorName: colour, TextStyle: style, SizeName: theme.SizeNameText}
}

// unreadCount is the badge text; past 99 the exact number does not help.
func unreadCount(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}
