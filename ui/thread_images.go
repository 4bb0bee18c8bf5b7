package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Pictures in the thread: a bubble shows a link to each picture until it
// is loaded, then the picture over the link. Loaded pictures are set
// while the column is built, so a thread opened again is measured with
// them; one that arrives later grows its bubble, and the view is held.

// showPictures sets the pictures of b that are loaded and asks for the
// others.
func (t *threadView) showPictures(b *bubble) {
	if t.images == nil {
		return
	}
	for _, u := range b.pictures() {
		if th := t.images.get(u); th != nil {
			b.setThumb(th)
		}
	}
}

// pictureReady shows a picture that has just been loaded in the bubbles
// that link to it. The bubbles grow, so the column is laid out again
// and scrolled by as much as they grew above what the merchant is
// reading: the message at the top of the view stays where it is, and a
// merchant at the end stays at the end.
func (t *threadView) pictureReady(th *thumb) {
	if th.img == nil || t.ref.IsZero() {
		return
	}
	offset := t.scroll.Offset.Y
	atBottom := offset >= t.col.Size().Height-t.scroll.Size().Height-theme.Padding()*4
	anchor, anchorY := t.topVisible(offset)

	changed := false
	for _, b := range t.bubbles {
		if b.setThumb(th) {
			changed = true
		}
	}
	if !changed {
		return
	}
	t.relayout()
	switch {
	case atBottom:
		t.scroll.ScrollToBottom()
	case anchor != nil:
		t.scroll.ScrollToOffset(fyne.NewPos(0, offset+anchor.Position().Y-anchorY))
	}
}

// topVisible is the item the merchant reads at the top of the view: the
// first that starts in it, or failing that (one tall bubble fills the
// view) the one cut by its top edge; and where it is.
func (t *threadView) topVisible(offset float32) (fyne.CanvasObject, float32) {
	var cut fyne.CanvasObject
	for _, o := range t.col.Objects {
		if !o.Visible() {
			continue
		}
		y := o.Position().Y
		if y >= offset-0.5 {
			if y < offset+t.scroll.Size().Height || cut == nil {
				return o, y
			}
			break
		}
		if y+o.Size().Height > offset {
			cut = o
		}
	}
	if cut != nil {
		return cut, cut.Position().Y
	}
	return nil, 0
}
