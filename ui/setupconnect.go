package ui

import (
	"context"
	"errors"
)

// connectFacebook runs the Facebook sign-in in a dialog.
func (a *App) connectFacebook() {
	a.runConnect("Connect Facebook", func(ctx context.Context, p Prompter) error {
		return a.o.Setup.ConnectFacebook(ctx, p)
	})
}

// connectShopify runs the Shopify sign-in for shop in a dialog.
func (a *App) connectShopify(shop string) {
	a.runConnect("Connect Shopify", func(ctx context.Context, p Prompter) error {
		return a.o.Setup.ConnectShopify(ctx, shop, p)
	})
}

// runConnect shows a sign-in's dialog and runs it. One runs at a time (the
// callback listens on one port): asking again shows the one under way.
func (a *App) runConnect(title string, run func(context.Context, Prompter) error) {
	if a.o.Setup == nil {
		return
	}
	if f := a.su.flow; f != nil && !f.ended {
		f.dlg.Show()
		return
	}
	ctx, cancel := context.WithCancel(a.ctx)
	f := newConnectFlow(title, a.do, a.openLink, cancel, a.win)
	a.su.flow = f
	f.dlg.Show()
	a.wg.Go(func() {
		defer cancel()
		err := run(ctx, f)
		a.do(func() {
			if !f.ended && (err != nil || ctx.Err() == nil) {
				f.finish("Connected.", err)
			}
			f.ended = true
		})
		a.refreshSetup()
	})
}

// confirmDisconnect asks before disconnecting, saying what stays.
func (a *App) confirmDisconnect(p Provider) {
	title := "Disconnect Facebook?"
	msg := "Merchant Inbox stops syncing your pages and removes their sign-in from your keychain.\n\n" +
		"The conversations already here stay on this computer, and you can still read them. " +
		"Your app ID and secret stay saved, so you can connect again at any time."
	if p == Shopify {
		title = "Disconnect your shop?"
		msg = "Merchant Inbox stops updating your products and removes the shop's sign-in from your keychain.\n\n" +
			"The products already here stay on this computer. Your client ID and secret stay saved."
	}
	d := confirmation(title, msg, "Keep connected", "Disconnect", a.win.Canvas(), func() { a.disconnect(p) })
	a.su.confirm = d
	d.Show()
}

func (a *App) disconnect(p Provider) {
	var said string
	a.background(func(ctx context.Context) (err error) {
		said, err = a.o.Setup.Disconnect(ctx, p)
		return err
	}, func(err error) {
		title := "Disconnected"
		if err != nil {
			title, said = "Not disconnected", sentence(err)
		}
		d := message(title, said, a.win.Canvas())
		a.su.info = d
		d.Show()
	})
}

// fix runs a banner's action.
func (a *App) fix(f fixAction) {
	switch f {
	case fixSignIn:
		a.connectFacebook()
	case fixConnectShop:
		a.connectShopify(a.view.status.ShopUninstalled)
	case fixRetrySync:
		a.syncNow()
	case fixSettings:
		a.showScreen(screenSettings)
	case fixOpenSetup:
		a.showScreen(screenSetup)
	case fixRestart:
		if a.o.Setup == nil {
			return
		}
		a.wg.Go(func() {
			if err := a.o.Setup.Restart(a.ctx); err != nil && !errors.Is(err, context.Canceled) {
				a.log.Warn("restarting the engine", "err", err)
			}
		})
	}
}
