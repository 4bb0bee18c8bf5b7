package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// prefProductsOpen remembers whether the products panel was open, across
// conversations and restarts.
const prefProductsOpen = "products_panel_open"

// wireReplies adds the reply box, the products panel and its toggle to
// the thread when the app can send.
func (a *App) wireReplies(fa fyne.App) {
	if a.o.Replies == nil {
		return
	}
	v := a.view
	box := newReplyBox()
	r := newReplyCtl(box, v, a.clock.Now)
	p := newProductsPanel()
	a.reply, a.products = r, p
	v.thread.bottom.Add(box.root)
	box.resized = func() { // the box grew or shrank: the thread's end stays in view
		atEnd := v.thread.atEnd()
		v.thread.content.Refresh()
		if atEnd {
			v.thread.relayout()
			v.thread.scroll.ScrollToBottom()
		}
	}
	v.thread.side.Add(p.root)
	v.regate = r.regate

	r.send = a.sendReply
	r.save = a.saveDraft
	r.gated = func(g replyGate, _ ConversationRef) { p.setGate(g) }
	p.onInsert = r.insertProduct
	p.onCard = r.sendProduct
	p.onConnect = a.o.OnConnectShop
	if p.onConnect == nil && a.o.Setup != nil {
		// The Connections screen asks for the shop's name, then signs in.
		p.onConnect = func() { a.showScreen(screenSetup) }
	}
	p.onQuery = func(q string) {
		a.want(func(w *wants) { w.productQuery, w.productQueryAt = q, a.clock.Now() })
	}

	toggle := widget.NewButtonWithIcon("Products", theme.StorageIcon(), nil)
	setOpen := func(on bool) {
		atEnd := v.thread.atEnd()
		p.root.Hidden = !on
		toggle.Importance = widget.LowImportance
		if on {
			toggle.Importance = widget.MediumImportance
		}
		toggle.Refresh()
		v.thread.content.Refresh()
		if atEnd { // the thread narrows or widens: its end stays in view
			v.thread.relayout()
			v.thread.scroll.ScrollToBottom()
		}
		fa.Preferences().SetBool(prefProductsOpen, on)
		a.want(func(w *wants) { w.productsOpen = on })
	}
	toggle.OnTapped = func() { setOpen(p.root.Hidden) }
	a.productsToggle = toggle
	v.thread.tools.Add(toggle)
	setOpen(fa.Preferences().BoolWithFallback(prefProductsOpen, false))
}

// sendReply runs a send off the UI goroutine and brings its end back.
func (a *App) sendReply(_ ConversationRef, it *outItem) {
	ctx, req := a.ctx, it.req
	go func() {
		msg, err := a.o.Replies.Send(ctx, req)
		if ctx.Err() != nil {
			return // the app is ending: the draft keeps nothing of it
		}
		if err != nil {
			a.log.Info("a reply was not sent", "err", err)
		}
		a.do(func() { a.reply.sendDone(it, msg, err) })
	}()
}

// setShop shows the shop the loop read.
func (a *App) setShop(s store.Shop) {
	a.products.setShop(s)
	a.reply.currency = s.Currency
}

// pictureReady shows a loaded picture wherever it is wanted.
func (a *App) pictureReady(th *thumb) {
	a.view.thread.pictureReady(th)
	if a.products != nil {
		a.products.pictureReady(th)
	}
}

// insertProduct puts p's title, price and link into the reply at the
// cursor, and the cursor back in the box.
func (c *replyCtl) insertProduct(p store.Product) {
	if !c.gate.canType {
		return
	}
	c.box.entry.insert(productText(p, c.currency))
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c.box.entry); cv != nil {
		cv.Focus(c.box.entry)
	}
}
