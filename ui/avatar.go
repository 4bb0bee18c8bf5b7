package ui

import (
	"hash/fnv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
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
	hue      string // one of theme's primary colour names
}

// avatarHues are the theme's named hues that carry light text in both
// variants (not yellow or grey).
var avatarHues = []string{theme.ColorBlue, theme.ColorGreen, theme.ColorOrange, theme.ColorPurple, theme.ColorRed, theme.ColorBrown}

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

func hueOf(key string) string {
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
	th := r.a.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.disc.FillColor = theme.PrimaryColorNamed(r.a.hue)
	r.text.Color = th.Color(theme.ColorNameForegroundOnPrimary, v)
	r.text.Text = r.a.initials
	r.text.TextSize = r.a.size * 0.4
	r.Layout(r.a.Size())
	r.disc.Refresh()
	r.text.Refresh()
}

func (r *avatarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.disc, r.text} }
func (r *avatarRenderer) Destroy()                     {}
