package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// productsWidth is the panel's width beside the thread: room for a
// thumbnail, a title and two buttons.
const productsWidth = 330

// connectShopCommand connects a shop until the window is told how to.
const connectShopCommand = "merchant-inbox connect shopify"

// productsModel is a products search as the loop read it.
type productsModel struct {
	query string
	items []store.Product
	more  bool // more products match than are shown
	err   string
	read  bool // a search was read (an empty one is an empty catalogue)
}

// productsPanel is the shop's catalogue beside the thread: a search over
// titles, SKUs, handles and vendors, and for each product "Insert" (its
// title, price and link into the reply) and "Send as card".
type productsPanel struct {
	root   *fyne.Container
	title  *widget.Label
	search *widget.Entry
	list   *widget.List
	note   *emptyState
	foot   *widget.Label

	shop      store.Shop
	shopKnown bool
	m         productsModel
	gate      replyGate
	images    *imageLoader // nil: no thumbnails

	onQuery   func(string)
	onInsert  func(store.Product)
	onCard    func(store.Product)
	onConnect func() // nil: the panel gives the command instead
}

func newProductsPanel() *productsPanel {
	p := &productsPanel{title: widget.NewLabel("Products"), search: widget.NewEntry(),
		note: newEmptyState(), foot: widget.NewLabel("")}
	p.title.TextStyle.Bold = true
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.search.SetPlaceHolder("Search title, SKU, vendor…")
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(s string) {
		if p.onQuery != nil {
			p.onQuery(s)
		}
	}
	p.foot.Truncation = fyne.TextTruncateEllipsis
	p.foot.SizeName = theme.SizeNameCaptionText
	p.foot.Hide()
	p.list = widget.NewList(
		func() int { return len(p.m.items) },
		func() fyne.CanvasObject { return newProductRow(p) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(p.m.items) {
				o.(*productRow).set(p.m.items[id], p.shop.Currency, p.gate)
			}
		})
	p.list.HideSeparators = false
	p.note.root.Hide()
	p.note.width.width = productsWidth - 60

	top := container.NewVBox(container.NewPadded(p.title), container.NewPadded(p.search))
	body := container.NewBorder(top, p.foot, nil, nil, container.NewStack(p.list, p.note.root))
	p.root = container.New(&fixedWidth{width: productsWidth},
		container.NewBorder(nil, nil, widget.NewSeparator(), nil, body))
	p.root.Hide()
	p.arrange()
	return p
}

// setShop is the shop as the loop read it.
func (p *productsPanel) setShop(s store.Shop) {
	p.shop, p.shopKnown = s, true
	if s.Domain == "" {
		p.m = productsModel{}
	}
	p.arrange()
}

// set shows a search's products.
func (p *productsPanel) set(m productsModel) {
	p.m = m
	p.list.Refresh()
	if len(m.items) > 0 && m.query != "" {
		p.list.ScrollToTop()
	}
	p.arrange()
}

// setGate is what the open conversation allows; rows enable their
// buttons by it.
func (p *productsPanel) setGate(g replyGate) {
	if g == p.gate {
		return
	}
	p.gate = g
	p.list.Refresh()
	p.arrange()
}

// pictureReady shows a loaded thumbnail in the rows that want it.
func (p *productsPanel) pictureReady(th *thumb) {
	if th.img == nil || !p.root.Visible() {
		return
	}
	for _, it := range p.m.items {
		if it.ImageURL == th.url {
			p.list.Refresh()
			return
		}
	}
}

// arrange words the panel for its state: no shop, an error, no match.
func (p *productsPanel) arrange() {
	p.title.SetText("Products")
	if p.shop.Name != "" {
		p.title.SetText("Products · " + p.shop.Name)
	}
	noShop := p.shopKnown && p.shop.Domain == ""
	p.search.Hidden = noShop
	switch {
	case noShop:
		body := "Connect your Shopify store to search its products here and send them to customers as cards."
		if p.onConnect != nil {
			p.note.show(theme.StorageIcon(), "No shop connected", body, "", "Connect Shopify…", p.onConnect)
		} else {
			p.note.show(theme.StorageIcon(), "No shop connected", body+" Connect it from a terminal:", connectShopCommand, "", nil)
		}
	case p.m.err != "":
		p.note.show(theme.ErrorIcon(), "Could not read the products", p.m.err, "", "", nil)
	case len(p.m.items) == 0 && p.m.query != "":
		p.note.show(theme.SearchIcon(), "No products match “"+p.m.query+"”",
			"Search looks at titles, SKUs, handles and vendors.", "", "", nil)
	case len(p.m.items) == 0 && p.m.read:
		p.note.show(theme.StorageIcon(), "No products yet",
			"Products appear here once the shop's catalogue is synced.", "", "", nil)
	default:
		p.note.root.Hide()
		p.foot.SetText(p.footWords())
		p.foot.Hidden = p.foot.Text == ""
		p.root.Refresh()
		return
	}
	p.foot.Hide()
	p.note.root.Show()
	p.root.Refresh()
}

func (p *productsPanel) footWords() string {
	switch {
	case p.gate.offerHumanAgent && !p.gate.canSend:
		return "Tick “Reply as human agent” to send cards"
	case !p.gate.canSend && p.gate.why != "":
		return "No cards now: " + p.gate.why
	case p.m.more:
		return "The first 50 products: search to find others"
	}
	return ""
}

// fixedWidth gives its one child a set width and the height it gets.
type fixedWidth struct{ width float32 }

func (f *fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(f.width, objects[0].MinSize().Height)
}

func (f *fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}
