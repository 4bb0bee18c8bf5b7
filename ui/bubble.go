package ui

import (
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// bubble is one message of a thread: the customer's on the left, the
// merchant's on the right in the theme's selection tint, so the text
// keeps the theme's foreground colour (and contrast) in light and dark
// mode. Text wraps inside the bubble, long words included; the bubble is
// as wide as its text needs, up to a share of the thread's width.
//
// Its height depends on the width it is given, which a plain Fyne layout
// cannot ask for; heightFor answers that for the column (column.go), and
// caches the answer because wrapping text is the costly part.
type bubble struct {
	widget.BaseWidget
	msg store.Message
	loc *time.Location // times are shown in the app clock's zone

	bg       *canvas.Rectangle
	text     *widget.Label // message text, selectable; nil when none
	postback *widget.Label // "Tapped “Buy now”"; nil when none
	files    []attachmentLine
	time     *canvas.Text
	reaction *canvas.Text // under the bubble; nil when none
	card     *cardPart    // a product card (bubble_card.go); nil when none
	state    sendState    // a reply still sending or failed (thread_outbox.go)

	cacheW, cacheH float32
	natural        float32   // width the content wants on one line
	measuredWith   fyne.Size // text and caption sizes the caches hold for
}

// attachmentLine is an icon and a link (or a label when there is no URL),
// and for a picture its thumbnail above them once it is loaded.
type attachmentLine struct {
	icon *widget.Icon
	link fyne.CanvasObject

	picture string     // the URL of a picture to show; "" for other files
	url     *url.URL   // parsed picture URL
	thumb   *thumbnail // nil until the picture is loaded
}

func newBubble(m store.Message, loc *time.Location) *bubble {
	b := &bubble{loc: loc}
	b.ExtendBaseWidget(b)
	b.build(m)
	return b
}

func (b *bubble) outgoing() bool { return b.msg.Direction == store.Outgoing }

// setMessage updates the bubble when the stored message changed (a
// reaction arrived); it rebuilds only then.
func (b *bubble) setMessage(m store.Message) {
	if messagesEqual(m, b.msg) {
		return
	}
	b.build(m)
	b.Refresh()
}

func messagesEqual(a, b store.Message) bool {
	if a.ID != b.ID || a.Text != b.Text || a.Postback != b.Postback || a.Reaction != b.Reaction ||
		!a.CreatedAt.Equal(b.CreatedAt) || a.Direction != b.Direction || len(a.Attachments) != len(b.Attachments) ||
		(a.Card == nil) != (b.Card == nil) || (a.Card != nil && *a.Card != *b.Card) {
		return false
	}
	for i := range a.Attachments {
		if a.Attachments[i] != b.Attachments[i] {
			return false
		}
	}
	return true
}

func (b *bubble) build(m store.Message) {
	b.msg = m
	b.cacheW, b.natural = 0, 0
	b.bg = canvas.NewRectangle(nil)
	b.text, b.postback, b.files, b.reaction, b.card = nil, nil, nil, nil, nil

	switch {
	case m.Postback != "":
		b.postback = widget.NewLabel(postbackWords(m))
		b.postback.TextStyle.Italic = true
		b.postback.Wrapping = fyne.TextWrapWord
	case m.Text != "":
		b.text = widget.NewLabel(strings.TrimSpace(m.Text))
		b.text.Wrapping = fyne.TextWrapWord
		b.text.Selectable = true
	}
	for _, a := range m.Attachments {
		b.files = append(b.files, newAttachmentLine(a))
	}
	if m.Card != nil {
		b.card = newCardPart(*m.Card)
	}
	if m.Text == "" && m.Postback == "" && len(m.Attachments) == 0 && m.Card == nil {
		b.text = widget.NewLabel("(empty message)")
		b.text.TextStyle.Italic = true
	}
	b.time = canvas.NewText(b.timeWords(), nil)
	b.time.Alignment = fyne.TextAlignTrailing
	if m.Reaction != "" {
		b.reaction = canvas.NewText(reactionWords(m.Reaction), nil)
	}
	b.applyTheme() // sizes first: the bubble is measured before it is drawn
}

// applyTheme sets the theme's colours and sizes on the parts.
func (b *bubble) applyTheme() {
	th := b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	b.bg.CornerRadius = th.Size(theme.SizeNameInputRadius) * 2.5
	b.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	if b.outgoing() {
		b.bg.FillColor = th.Color(theme.ColorNameSelection, v)
	}
	caption := th.Size(theme.SizeNameCaptionText)
	b.time.TextSize = caption
	b.time.Color = th.Color(theme.ColorNamePlaceHolder, v)
	if b.reaction != nil {
		b.reaction.TextSize = caption
		b.reaction.Color = th.Color(theme.ColorNamePlaceHolder, v)
	}
	b.applySendTheme(th, v)
}

func newAttachmentLine(a store.Attachment) attachmentLine {
	label := attachmentWords([]store.Attachment{a})
	icon := widget.NewIcon(attachmentIcon(a.Type))
	if u, err := url.Parse(a.URL); err == nil && a.URL != "" && (u.Scheme == "https" || u.Scheme == "http") {
		h := widget.NewHyperlink(label, u)
		h.Truncation = fyne.TextTruncateEllipsis
		line := attachmentLine{icon: icon, link: h}
		if a.Type == "image" || a.Type == "sticker" {
			line.picture, line.url = a.URL, u
		}
		return line
	}
	l := widget.NewLabel(label)
	l.Truncation = fyne.TextTruncateEllipsis
	return attachmentLine{icon: icon, link: l}
}

// pictures returns the URLs of the pictures the bubble can show.
func (b *bubble) pictures() []string {
	var urls []string
	for _, f := range b.files {
		if f.picture != "" {
			urls = append(urls, f.picture)
		}
	}
	if b.card != nil && b.card.picture != "" {
		urls = append(urls, b.card.picture)
	}
	return urls
}

// setThumb shows th over the link to its picture. It reports whether the
// bubble changed (and so its height).
func (b *bubble) setThumb(th *thumb) bool {
	if th.img == nil {
		return false // the link stays
	}
	changed := false
	for i := range b.files {
		f := &b.files[i]
		if f.picture == th.url && (f.thumb == nil || f.thumb.src != th) {
			f.thumb = newThumbnail(th, f.url)
			changed = true
		}
	}
	if c := b.card; c != nil && c.picture == th.url && (c.thumb == nil || c.thumb.src != th) {
		c.thumb = newThumbnail(th, c.link)
		changed = true
	}
	if changed {
		b.cacheW, b.natural = 0, 0
		b.Refresh()
	}
	return changed
}

// attachmentIcon marks an attachment's kind beside its link; a picture
// also shows as a thumbnail once loaded (setThumb).
func attachmentIcon(kind string) fyne.Resource {
	switch kind {
	case "image", "sticker":
		return theme.FileImageIcon()
	case "video":
		return theme.FileVideoIcon()
	case "audio":
		return theme.FileAudioIcon()
	case "location":
		return theme.NavigateNextIcon()
	case "fallback", "template":
		return theme.MailAttachmentIcon()
	}
	return theme.FileIcon()
}
