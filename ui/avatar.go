package ui

import (
	"hash/fnv"
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// avatar is a customer's initials on a coloured disc. Messenger gives no
// picture without another API call per customer, and a disc that is
// always the same colour for the same customer is enough to find them
// again in a long list.
type avatar struct {
	widget.BaseWidget
	size     float32
	initials string
	hue      color.Color
}

// avatarHues are the hues of Fyne's primary colour choices that carry
// white initials in both theme variants (not yellow or grey). They are
// the customer's colour, not the theme's, so they do not follow it.
var avatarHues = []color.Color{
	color.NRGBA{R: 0x29, G: 0x6f, B: 0xf6, A: 0xff}, // blue
	color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff}, // green
	color.NRGBA{R: 0xef, G: 0x6c, B: 0x00, A: 0xff}, // orange
	color.NRGBA{R: 0x9c, G: 0x27, B: 0xb0, A: 0xff}, // purple
	color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0xff}, // red
	color.NRGBA{R: 0x79, G: 0x55, B: 0x48, A: 0xff}, // brown
}

func newAvatar(size float32) *avatar {
	a := &avatar{size: size}
	a.ExtendBaseWidget(a)
	return a
}

// set shows name's initials in the colour key picks (the PSID: stable
// even when the name is not known yet).
func (a *avatar) set(name, key string) {
	initials, hue := initialsOf(name), hueOf(key)
	if initials == a.initials && hue == a.hue {
		return
	}
	a.initials, a.hue = initials, hue
	a.Refresh()
}

func hueOf(key string) color.Color {
	h := fnv.New32a()
	h.Write([]byte(key))
	return avatarHues[h.Sum32()%uint32(len(avatarHues))]
}

// initialsOf takes the first letter of the first and last words: "Ana
// Souza" is "AS", "王芳" is "王", an emoji-only name is "?".
func initialsOf(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			words = append(words, w)
		}
	}
	first := func(w string) string {
		for _, r := range w {
			if unicode.IsLetter(r) {
				return strings.ToUpper(string(r))
			}
		}
		return ""
	}
	switch len(words) {
	case 0:
		return "?"
	case 1:
		return first(words[0])
	}
	f, l := first(words[0]), first(words[len(words)-1])
	if isHan(f) { // one character is a whole name's worth
		return f
	}
	return f + l
}

func isHan(s string) bool {
	for _, r := range s {
		return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r)
	}
	return false
}

func (a *avatar) MinSize() fyne.Size { return fyne.NewSquareSize(a.size) }

func (a *avatar) CreateRenderer() fyne.WidgetRenderer {
	r := &avatarRenderer{a: a, disc: canvas.NewCircle(nil), text: canvas.NewText("", nil)}
	r.text.TextStyle.Bold = true
	r.text.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type avatarRenderer struct {
	a    *avatar
	disc *canvas.Circle
	text *canvas.Text
}

func (r *avatarRenderer) Layout(size fyne.Size) {
	d := min(size.Width, size.Height)
	pos := fyne.NewPos((size.Width-d)/2, (size.Height-d)/2)
	r.disc.Move(pos)
	r.disc.Resize(fyne.NewSquareSize(d))
	ts := r.text.MinSize()
	r.text.Move(fyne.NewPos(pos.X, pos.Y+(d-ts.Height)/2))
	r.text.Resize(fyne.NewSize(d, ts.Height))
}

func (r *avatarRenderer) MinSize() fyne.Size { return r.a.MinSize() }

func (r *avatarRenderer) Refresh() {
	r.disc.FillColor = r.a.hue
	r.text.Color = color.White
	r.text.Text = r.a.initials
	r.text.TextSize = r.a.size * 0.4
	r.Layout(r.a.Size())
	r.disc.Refresh()
	r.text.Refresh()
}

func (r *avatarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.disc, r.text} }
func (r *avatarRenderer) Destroy()                     {}
