package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/price"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// productThumb is the side of a row's picture.
const productThumb = 56

// productRow is one product in the panel: picture, title, a line with
// price, stock and SKU, and the two buttons. Drafts and archived
// products are greyed and say which they are: a customer cannot buy
// them, so they cannot go out as a card. Rows are one fixed height, so
// the list stays cheap to scroll.
type productRow struct {
	widget.BaseWidget
	panel *productsPanel
	p     store.Product

	frame  *canvas.Rectangle // behind the picture, and in its place until loaded
	none   *widget.Icon      // on the frame while there is no picture
	img    *canvas.Image
	title  *widget.Label
	badge  *badge
	detail *widget.Label
	insert *widget.Button
	card   *widget.Button
}

func newProductRow(panel *productsPanel) *productRow {
	r := &productRow{panel: panel, frame: canvas.NewRectangle(nil), img: canvas.NewImageFromImage(nil),
		title: widget.NewLabel(""), badge: newBadge(), detail: widget.NewLabel(""),
		none: widget.NewIcon(theme.NewDisabledResource(theme.FileImageIcon()))}
	r.img.Hide()
	r.img.FillMode = canvas.ImageFillCover
	r.img.ScaleMode = canvas.ImageScaleSmooth
	r.img.CornerRadius = theme.InputRadiusSize()
	r.frame.CornerRadius = theme.InputRadiusSize()
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.insert = widget.NewButtonWithIcon("Insert", theme.ContentAddIcon(), func() {
		if panel.onInsert != nil {
			panel.onInsert(r.p)
		}
	})
	r.card = widget.NewButtonWithIcon("Send as card", theme.MailSendIcon(), func() {
		if panel.onCard != nil {
			panel.onCard(r.p)
		}
	})
	r.insert.Importance = widget.LowImportance
	r.card.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

// set shows p, in currency, with its buttons as g allows.
func (r *productRow) set(p store.Product, currency string, g replyGate) {
	r.p = p
	live := p.Status == "" || p.Status == "ACTIVE"
	r.title.SetText(p.Title)
	r.title.Importance = widget.MediumImportance
	r.detail.Importance = widget.MediumImportance
	r.img.Translucency = 0
	r.badge.set("")
	if !live {
		r.title.Importance, r.detail.Importance = widget.LowImportance, widget.LowImportance
		r.img.Translucency = 0.55
		r.badge.set(capitalize(strings.ToLower(p.Status)))
	}
	r.detail.SetText(productDetail(p, currency))
	r.img.Image = nil
	if u := p.ImageURL; u != "" && r.panel.images != nil {
		if th := r.panel.images.get(u); th != nil {
			r.img.Image = th.img
		}
	}
	r.img.Hidden = r.img.Image == nil // a painter cannot draw a nil picture
	r.none.Hidden = !r.img.Hidden
	r.img.Refresh()
	setEnabled(r.insert, g.canType)
	setEnabled(r.card, g.canSend && live && p.URL != "")
	r.Refresh()
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// productDetail is a row's second line: "€89.00 · 12 in stock · LWD-M".
func productDetail(p store.Product, currency string) string {
	var parts []string
	if price := price.Range(p, currency); price != "" {
		parts = append(parts, price)
	}
	switch n := p.TotalInventory; {
	case n <= 0:
		parts = append(parts, "Out of stock")
	default:
		parts = append(parts, strconv.Itoa(n)+" in stock")
	}
	if len(p.Variants) > 0 && p.Variants[0].SKU != "" {
		parts = append(parts, p.Variants[0].SKU)
	}
	return strings.Join(parts, " · ")
}

func (r *productRow) MinSize() fyne.Size { return fyne.NewSize(0, r.geometry(0, false)) }

// geometry lays the row out w wide and returns its height.
func (r *productRow) geometry(w float32, place bool) float32 {
	th := r.Theme()
	pad := th.Size(theme.SizeNamePadding)
	inner := th.Size(theme.SizeNameInnerPadding)
	x := pad * 2
	tx := x + productThumb + pad
	ts, ds, bs := r.title.MinSize(), r.detail.MinSize(), r.insert.MinSize()
	y := pad
	h := y + ts.Height + ds.Height - inner*1.5 + bs.Height + pad
	if !place {
		return h
	}
	r.frame.FillColor = th.Color(theme.ColorNameInputBackground, fyne.CurrentApp().Settings().ThemeVariant())
	for _, o := range []fyne.CanvasObject{r.frame, r.img} {
		o.Move(fyne.NewPos(x, y+pad))
		o.Resize(fyne.NewSquareSize(productThumb))
	}
	r.none.Move(fyne.NewPos(x+productThumb/4, y+pad+productThumb/4))
	r.none.Resize(fyne.NewSquareSize(productThumb / 2))
	bw := r.badge.MinSize().Width
	right := w - pad
	if bw > 0 {
		r.badge.Move(fyne.NewPos(right-bw, y+(ts.Height-r.badge.MinSize().Height)/2))
		r.badge.Resize(r.badge.MinSize())
		right -= bw + pad
	}
	r.title.Move(fyne.NewPos(tx-inner, y))
	r.title.Resize(fyne.NewSize(right-tx+inner, ts.Height))
	y += ts.Height - inner*1.5
	r.detail.Move(fyne.NewPos(tx-inner, y))
	r.detail.Resize(fyne.NewSize(w-pad-tx+inner, ds.Height))
	y += ds.Height
	cs := r.card.MinSize()
	r.insert.Move(fyne.NewPos(tx-inner, y))
	r.insert.Resize(bs)
	r.card.Move(fyne.NewPos(tx-inner+bs.Width, y))
	r.card.Resize(cs)
	return h
}

func (r *productRow) CreateRenderer() fyne.WidgetRenderer { return &productRowRenderer{r} }

type productRowRenderer struct{ r *productRow }

func (rr *productRowRenderer) Layout(s fyne.Size) { rr.r.geometry(s.Width, true) }
func (rr *productRowRenderer) MinSize() fyne.Size { return rr.r.MinSize() }
func (rr *productRowRenderer) Refresh() {
	rr.Layout(rr.r.Size())
	for _, o := range rr.Objects() {
		o.Refresh()
	}
}
func (rr *productRowRenderer) Objects() []fyne.CanvasObject {
	r := rr.r
	return []fyne.CanvasObject{r.frame, r.none, r.img, r.title, r.badge, r.detail, r.insert, r.card}
}
func (rr *productRowRenderer) Destroy() {}
