package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// cardWidth is how wide a product card is: the width Messenger gives a
// generic template on a phone, scaled to the thread.
const cardWidth = 264

// cardPart is a product card in a bubble, as the customer sees it in
// Messenger: the picture (once loaded), the title, the price, and a
// "View" button that opens the product page.
type cardPart struct {
	picture string   // the picture's URL, "" when none
	link    *url.URL // the product page, nil when none
	thumb   *thumbnail
	title   *widget.Label
	sub     *widget.Label // nil when no subtitle
	rule    *canvas.Rectangle
	view    *widget.Button // nil without a link
}

func newCardPart(c store.Card) *cardPart {
	p := &cardPart{picture: c.ImageURL, title: widget.NewLabel(c.Title), rule: canvas.NewRectangle(nil)}
	if c.ImageURL != "" && !isWebURL(c.ImageURL) {
		p.picture = ""
	}
	p.title.TextStyle.Bold = true
	p.title.Wrapping = fyne.TextWrapWord
	if c.Subtitle != "" {
		p.sub = widget.NewLabel(c.Subtitle)
		p.sub.Wrapping = fyne.TextWrapWord
	}
	if u, err := url.Parse(c.URL); err == nil && isWebURL(c.URL) {
		p.link = u
		label := c.Button
		if label == "" {
			label = "View"
		}
		p.view = widget.NewButtonWithIcon(label, theme.NavigateNextIcon(), func() {
			_ = fyne.CurrentApp().OpenURL(u)
		})
		p.view.Importance = widget.LowImportance
		p.view.IconPlacement = widget.ButtonIconTrailingText
	}
	return p
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// place lays the card out at the top of a bubble at x, bw wide (only
// measuring unless place) and returns where the bubble goes on below it.
func (c *cardPart) place(x, bw float32, place bool, th fyne.Theme) float32 {
	pad := th.Size(theme.SizeNamePadding)
	inner := th.Size(theme.SizeNameInnerPadding)
	y := pad
	if c.thumb != nil {
		ts := c.thumb.fitIn(bw - 2*pad)
		if place {
			c.thumb.Move(fyne.NewPos(x+(bw-ts.Width)/2, y))
			c.thumb.Resize(ts)
		}
		y += ts.Height
	} else {
		y = 0
	}
	for _, l := range []*widget.Label{c.title, c.sub} {
		if l == nil {
			continue
		}
		l.MinSize()
		l.Resize(fyne.NewSize(bw, l.Size().Height))
		h := l.MinSize().Height
		if place {
			l.Move(fyne.NewPos(x, y))
			l.Resize(fyne.NewSize(bw, h))
		}
		y += h - inner
	}
	if c.view == nil {
		return y + inner/2
	}
	y += inner
	if place {
		c.rule.FillColor = th.Color(theme.ColorNameSeparator, fyne.CurrentApp().Settings().ThemeVariant())
		c.rule.Move(fyne.NewPos(x, y))
		c.rule.Resize(fyne.NewSize(bw, 1))
	}
	y++
	h := c.view.MinSize().Height
	if place {
		c.view.Move(fyne.NewPos(x+pad, y))
		c.view.Resize(fyne.NewSize(bw-2*pad, h))
	}
	return y + h
}

// objects adds the card's parts to a bubble's.
func (c *cardPart) objects(objs []fyne.CanvasObject) []fyne.CanvasObject {
	if c.thumb != nil {
		objs = append(objs, c.thumb)
	}
	objs = append(objs, c.title)
	if c.sub != nil {
		objs = append(objs, c.sub)
	}
	if c.view != nil {
		objs = append(objs, c.rule, c.view)
	}
	return objs
}
