package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Pictures are drawn here rather than shipped: simple, flat illustrations
// of each piece in its glaze, so the sandbox needs no files and no network.

// shape is the silhouette of a kind of piece.
type shape int

const (
	shapeMug shape = iota
	shapeCups
	shapeBowl
	shapePlate
	shapeVase
	shapeTeapot
	shapeJug
	shapeCandle
	shapePlanter
)

// Regions of a drawing, each with its own colour.
const (
	none   = iota
	lit    // the glaze
	shade  // the glaze in shadow
	cream  // unglazed clay, a candle
	flame  // a candle's flame
	leaf   // a plant
	crack  // a chip in a damaged piece
	shadow // the piece's shadow on the table
)

// piece is one object in a picture, drawn in a box of the picture.
type piece struct {
	shape   shape
	glaze   glaze
	x, y, w float64 // the box's top left and size, as fractions of the picture's width
	speckle bool
	chipped bool
}

// region says what of p is at (u, v), the point in p's box (0..1 each).
func (p piece) region(u, v float64) int {
	if p.chipped && nearSegments(u, v, 0.014, [][2]float64{{0.42, 0.30}, {0.47, 0.40}, {0.44, 0.47}, {0.50, 0.58}}) {
		return crack
	}
	r := p.shape.region(u, v)
	if r == none && ellipse(u, v, 0.5, 0.80, 0.30, 0.035) {
		return shadow
	}
	return r
}

func (s shape) region(u, v float64) int {
	switch s {
	case shapeMug:
		return mug(u, v, 0.5)
	case shapeCups:
		return max(mug((u-0.24)/0.55+0.5, (v-0.62)/0.55+0.5, 0.5), mug((u-0.70)/0.55+0.5, (v-0.62)/0.55+0.5, 0.5))
	case shapeBowl:
		switch {
		case ellipse(u, v, 0.5, 0.45, 0.32, 0.08) && v < 0.45:
			return shade // the inside seen over the rim
		case ellipse(u, v, 0.5, 0.45, 0.32, 0.30) && v >= 0.45, box(u, v, 0.42, 0.72, 0.58, 0.78):
			return lit
		}
	case shapePlate:
		switch {
		case ellipse(u, v, 0.5, 0.60, 0.22, 0.08):
			return shade
		case ellipse(u, v, 0.5, 0.60, 0.36, 0.15):
			return lit
		}
	case shapeVase:
		if circle(u, v, 0.5, 0.58, 0.21) || box(u, v, 0.44, 0.26, 0.56, 0.45) || box(u, v, 0.40, 0.22, 0.60, 0.27) {
			return lit
		}
	case shapeTeapot:
		if ellipse(u, v, 0.5, 0.60, 0.23, 0.18) || box(u, v, 0.40, 0.40, 0.60, 0.45) || circle(u, v, 0.5, 0.38, 0.04) ||
			nearSegments(u, v, 0.03, [][2]float64{{0.68, 0.62}, {0.84, 0.44}}) || ring(u, v, 0.28, 0.58, 0.12, 0.075) && u < 0.32 {
			return lit
		}
	case shapeJug:
		half := 0.12 + (v-0.26)*0.14
		if v > 0.26 && v < 0.76 && math.Abs(u-0.5) < half || triangle(u, v, 0.38, 0.26, 0.30, 0.24, 0.40, 0.34) ||
			ring(u, v, 0.66, 0.45, 0.12, 0.07) && u > 0.62 {
			return lit
		}
	case shapeCandle:
		switch {
		case ellipse(u, v, 0.5, 0.29, 0.035, 0.07):
			return flame
		case box(u, v, 0.45, 0.36, 0.55, 0.70):
			return cream
		case ellipse(u, v, 0.5, 0.72, 0.22, 0.06) || box(u, v, 0.42, 0.64, 0.58, 0.72):
			return lit
		}
	case shapePlanter:
		half := 0.20 - (v-0.42)*0.18
		switch {
		case v > 0.42 && v < 0.78 && math.Abs(u-0.5) < half:
			return lit
		case ellipse(u, v, 0.42, 0.30, 0.07, 0.14) || ellipse(u, v, 0.58, 0.28, 0.07, 0.15) || ellipse(u, v, 0.5, 0.24, 0.06, 0.17):
			return leaf
		}
	}
	return none
}

// mug is a mug whose body is centred on cx.
func mug(u, v, cx float64) int {
	switch {
	case ellipse(u, v, cx-0.05, 0.30, 0.17, 0.04):
		return shade
	case box(u, v, cx-0.22, 0.30, cx+0.12, 0.76):
		return lit
	case ring(u, v, cx+0.14, 0.52, 0.13, 0.075) && u > cx+0.1:
		return lit
	}
	return none
}

func box(u, v, x0, y0, x1, y1 float64) bool { return u >= x0 && u <= x1 && v >= y0 && v <= y1 }

func circle(u, v, cx, cy, r float64) bool { return ellipse(u, v, cx, cy, r, r) }

func ellipse(u, v, cx, cy, rx, ry float64) bool {
	dx, dy := (u-cx)/rx, (v-cy)/ry
	return dx*dx+dy*dy <= 1
}

func ring(u, v, cx, cy, outer, inner float64) bool {
	d := math.Hypot(u-cx, v-cy)
	return d <= outer && d >= inner
}

func triangle(u, v, ax, ay, bx, by, cx, cy float64) bool {
	s1 := (bx-ax)*(v-ay) - (by-ay)*(u-ax)
	s2 := (cx-bx)*(v-by) - (cy-by)*(u-bx)
	s3 := (ax-cx)*(v-cy) - (ay-cy)*(u-cx)
	return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
}

// nearSegments reports whether (u, v) is within w of the polyline pts.
func nearSegments(u, v, w float64, pts [][2]float64) bool {
	for i := 1; i < len(pts); i++ {
		ax, ay, bx, by := pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1]
		t := ((u-ax)*(bx-ax) + (v-ay)*(by-ay)) / ((bx-ax)*(bx-ax) + (by-ay)*(by-ay))
		t = math.Max(0, math.Min(1, t))
		if math.Hypot(u-(ax+t*(bx-ax)), v-(ay+t*(by-ay))) <= w {
			return true
		}
	}
	return false
}

// scene is a picture: a background and the pieces on it.
type scene struct {
	w, h       int
	background func(x, y float64) [3]float64 // x, y as fractions
	pieces     []piece
}

// samples is the supersampling per axis, for smooth edges.
const samples = 3

// render draws sc and encodes it as a PNG.
func (sc scene) render() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, sc.w, sc.h))
	for py := range sc.h {
		for px := range sc.w {
			var acc [3]float64
			for sy := range samples {
				for sx := range samples {
					x := (float64(px) + (float64(sx)+0.5)/samples) / float64(sc.w)
					y := (float64(py) + (float64(sy)+0.5)/samples) / float64(sc.h)
					c := sc.colourAt(x, y, px, py)
					for i := range acc {
						acc[i] += c[i]
					}
				}
			}
			n := float64(samples * samples)
			img.SetRGBA(px, py, color.RGBA{uint8(acc[0] / n), uint8(acc[1] / n), uint8(acc[2] / n), 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// colourAt is the colour at (x, y); px, py is the pixel, for speckles.
func (sc scene) colourAt(x, y float64, px, py int) [3]float64 {
	bg := sc.background(x, y)
	aspect := float64(sc.h) / float64(sc.w)
	for i := len(sc.pieces) - 1; i >= 0; i-- {
		p := sc.pieces[i]
		u, v := (x-p.x)/p.w, (y*aspect-p.y)/p.w
		if u < 0 || u > 1 || v < 0 || v > 1 {
			continue
		}
		g := rgb(p.glaze.rgb)
		// Light from the left: the piece darkens towards the right.
		light := 1.08 - 0.25*u
		switch p.region(u, v) {
		case lit:
			if p.speckle && hash(px, py)%23 == 0 {
				return scale(g, 0.45)
			}
			return scale(g, light)
		case shade:
			return scale(g, 0.72*light)
		case cream:
			return [3]float64{0xf8, 0xf1, 0xe0}
		case flame:
			return [3]float64{0xff, 0xc4, 0x3d}
		case leaf:
			return scale([3]float64{0x4f, 0x80, 0x4a}, light)
		case crack:
			return [3]float64{0xe8, 0xdc, 0xc8} // the clay under the glaze
		case shadow:
			return scale(bg, 0.8)
		}
	}
	return bg
}

func rgb(c [3]uint8) [3]float64 { return [3]float64{float64(c[0]), float64(c[1]), float64(c[2])} }

func scale(c [3]float64, f float64) [3]float64 {
	for i := range c {
		c[i] = math.Min(255, c[i]*f)
	}
	return c
}

// hash is a fixed pseudo-random value per pixel.
func hash(x, y int) uint32 {
	h := uint32(x)*374761393 + uint32(y)*668265263
	h = (h ^ h>>13) * 1274126177
	return h ^ h>>16
}

// productPicture is the square picture of a product.
func productPicture(p product) ([]byte, error) {
	back := rgb(p.glaze.backdrop)
	return scene{
		w: 320, h: 320,
		background: func(_, y float64) [3]float64 { return scale(back, 1.04-0.08*y) },
		pieces:     []piece{{shape: p.kind.shape, glaze: p.glaze, x: 0.05, y: 0.05, w: 0.9, speckle: p.kind.name == "Speckled Mug"}},
	}.render()
}

// photos are the pictures customers send: a piece on a table, lit like a
// phone snapshot.
var photos = map[string][]piece{
	"chipped-mug":  {{shape: shapeMug, glaze: glazes[1], x: 0.22, y: 0.09, w: 0.56, chipped: true}},
	"speckled-mug": {{shape: shapeMug, glaze: glazes[0], x: 0.22, y: 0.09, w: 0.56, speckle: true}},
	"bud-vase":     {{shape: shapeVase, glaze: glazes[3], x: 0.25, y: 0.135, w: 0.5}},
	"kitchen": {
		{shape: shapeVase, glaze: glazes[2], x: 0.04, y: 0.21, w: 0.4},
		{shape: shapeBowl, glaze: glazes[1], x: 0.33, y: 0.245, w: 0.36},
		{shape: shapeMug, glaze: glazes[4], x: 0.62, y: 0.26, w: 0.34},
	},
}

// photo renders the customer picture called name.
func photo(name string) ([]byte, error) {
	wall, table := [3]float64{0xee, 0xe6, 0xd8}, [3]float64{0xa8, 0x7b, 0x55}
	return scene{
		w: 480, h: 360,
		background: func(x, y float64) [3]float64 {
			if y > 0.62 {
				grain := 0.96 + 0.04*math.Sin(y*90+math.Sin(x*7)*3)
				return scale(table, grain*(1.05-0.2*(y-0.62)))
			}
			return scale(wall, 1.02-0.12*x)
		},
		pieces: photos[name],
	}.render()
}
