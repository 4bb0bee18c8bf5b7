package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// thumbnail is a picture in a bubble. A tap opens it in the browser,
// full size, as its link under it does.
type thumbnail struct {
	widget.BaseWidget
	img  *canvas.Image
	url  *url.URL
	size fyne.Size // the most it is shown at; a narrow thread shrinks it
	src  *thumb
}

func newThumbnail(th *thumb, u *url.URL) *thumbnail {
	img := canvas.NewImageFromImage(th.img)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	img.CornerRadius = theme.InputRadiusSize()
	t := &thumbnail{img: img, url: u, size: th.size, src: th}
	t.ExtendBaseWidget(t)
	return t
}

func (t *thumbnail) Tapped(*fyne.PointEvent) {
	if t.url != nil {
		_ = fyne.CurrentApp().OpenURL(t.url)
	}
}

// Cursor is the hand a link shows.
func (t *thumbnail) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *thumbnail) MinSize() fyne.Size { return t.size }

func (t *thumbnail) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.img)
}

// fitIn is the thumbnail's size in a bubble whose content is w wide.
func (t *thumbnail) fitIn(w float32) fyne.Size {
	return fitSize(t.size.Width, t.size.Height, max(w, 1), t.size.Height)
}
