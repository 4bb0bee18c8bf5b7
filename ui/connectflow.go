package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// connectFlow is a sign-in as the window shows it: a dialog that follows
// the flow (the browser opening, "Waiting for the browser…" with Cancel,
// the checklist of pages, the outcome in the flow's own sentence). Its
// widgets live on the UI goroutine; the flow's goroutine reaches them
// through the Prompter methods, which go through do.
type connectFlow struct {
	do     func(func())
	open   func(url string)
	cancel context.CancelFunc

	dlg      *sheet
	icon     *widget.Icon
	activity *widget.Activity
	headline *widget.Label
	body     *widget.Label
	link     *fyne.Container // open the consent page again
	consent  string
	pages    *fyne.Container // the checklist
	checks   []*widget.Check
	pageIDs  []string // of checks, in order
	choose   *widget.Button
	notices  *widget.Label
	stop     *widget.Button // Cancel, then Close
	ended    bool
	chosen   chan []string
}

func newConnectFlow(title string, do func(func()), open func(string), cancel context.CancelFunc, parent fyne.Window) *connectFlow {
	c := &connectFlow{do: do, open: open, cancel: cancel, chosen: make(chan []string, 1)}
	c.icon = widget.NewIcon(theme.LoginIcon())
	c.activity = widget.NewActivity()
	c.headline = widget.NewLabel("Opening your browser…")
	c.headline.TextStyle.Bold = true
	c.headline.SizeName = theme.SizeNameSubHeadingText
	c.headline.Wrapping = fyne.TextWrapWord
	c.body = paragraph("")
	again := widget.NewButtonWithIcon("Open the page again", theme.ComputerIcon(), func() { c.open(c.consent) })
	again.Importance = widget.LowImportance
	c.link = container.NewHBox(again)
	c.link.Hide()
	c.pages = container.NewVBox()
	c.choose = widget.NewButton("Sync these pages", c.pick)
	c.choose.Importance = widget.HighImportance
	c.choose.Hide()
	c.notices = paragraph("")
	c.notices.Importance = widget.WarningImportance
	c.notices.Hide()
	c.stop = widget.NewButton("Cancel", c.close)
	lead := sized(container.NewStack(c.icon, c.activity), 40)
	content := container.NewVBox(
		container.NewBorder(nil, nil, container.NewCenter(lead), nil, c.headline),
		c.body, c.link, c.pages, c.notices,
		container.NewHBox(layoutSpacer(), c.stop, c.choose))
	c.dlg = newSheet(title, container.New(&maxWidth{width: 440}, content), parent.Canvas())
	c.waiting(false)
	return c
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// waiting shows the spinner instead of the icon.
func (c *connectFlow) waiting(on bool) {
	c.activity.Hidden = !on
	c.icon.Hidden = on
	if on {
		c.activity.Start()
	} else {
		c.activity.Stop()
	}
}

// close is Cancel while the flow runs (the flow then ends with nothing
// stored), and Close once it has ended.
func (c *connectFlow) close() {
	if !c.ended {
		c.cancel()
	}
	c.dlg.Hide()
}

// finish shows the outcome: the flow's own sentence, or why it failed.
func (c *connectFlow) finish(done string, err error) {
	c.ended = true
	c.waiting(false)
	c.link.Hide()
	c.pages.Hide()
	c.choose.Hide()
	c.stop.SetText("Close")
	c.stop.Importance = widget.HighImportance
	switch {
	case err == nil:
		c.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		c.headline.SetText("Connected")
		c.body.SetText(done)
	case errors.Is(err, context.Canceled):
		c.dlg.Hide() // the merchant cancelled: nothing to say
		return
	default:
		c.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		c.headline.SetText("Not connected")
		c.body.SetText(sentence(err) + " Nothing was changed.")
	}
	c.stop.Refresh()
	c.dlg.Refresh()
}

// pick sends the ticked pages to the flow.
func (c *connectFlow) pick() {
	var ids []string
	for i, ch := range c.checks {
		if ch.Checked {
			ids = append(ids, c.pageIDs[i])
		}
	}
	if len(ids) == 0 {
		return
	}
	c.choose.Disable()
	c.chosen <- ids
}

// The Prompter side, called from the flow's goroutine.

func (c *connectFlow) RedirectURI(string) {} // the setup screen shows it already

func (c *connectFlow) ConsentURL(url string, opened bool) {
	c.update(func() {
		c.consent = url
		c.link.Show()
		if !opened {
			c.headline.SetText("Open the sign-in page")
			c.body.SetText("Your browser did not open by itself. Open the page, sign in and allow Merchant Inbox; this window continues on its own.")
		}
	})
}

func (c *connectFlow) Waiting() {
	c.update(func() {
		c.waiting(true)
		c.headline.SetText("Waiting for the browser…")
		c.body.SetText("Sign in in your browser and allow Merchant Inbox. When the browser says you can return here, this window continues on its own.")
	})
}

func (c *connectFlow) ChoosePages(ctx context.Context, pages []ConnectPage) ([]string, error) {
	c.update(func() { c.showChecklist(pages) })
	select {
	case ids := <-c.chosen:
		return ids, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *connectFlow) Notice(msg string) {
	c.update(func() {
		if c.notices.Text != "" {
			msg = c.notices.Text + "\n" + msg
		}
		c.notices.SetText(msg)
		c.notices.Show()
	})
}

func (c *connectFlow) Done(msg string) { c.update(func() { c.finish(msg, nil) }) }

// update changes the dialog on the UI goroutine and fits it to its new
// content.
func (c *connectFlow) update(f func()) {
	c.do(func() {
		f()
		c.dlg.Refresh()
	})
}

// showChecklist asks which pages to sync, all ticked to begin with: most
// merchants want every page they granted.
func (c *connectFlow) showChecklist(pages []ConnectPage) {
	c.waiting(false)
	c.icon.SetResource(theme.ListIcon())
	c.headline.SetText("Which pages should Merchant Inbox sync?")
	c.body.SetText("You allowed several pages. Untick those whose conversations you don't want here; you can change this later by connecting again.")
	c.link.Hide()
	c.pages.Objects = c.pages.Objects[:0]
	c.checks, c.pageIDs = nil, nil
	for _, p := range pages {
		label := firstNonEmpty(p.Name, p.ID)
		if p.Category != "" {
			label += "  ·  " + p.Category
		}
		ch := widget.NewCheck(label, func(bool) { c.checklistChanged() })
		ch.Checked = true
		c.checks = append(c.checks, ch)
		c.pageIDs = append(c.pageIDs, p.ID)
		c.pages.Add(ch)
	}
	c.pages.Show()
	c.choose.Show()
	c.checklistChanged()
	c.dlg.Refresh()
}

// checklistChanged keeps "Sync these pages" usable only with a page ticked.
func (c *connectFlow) checklistChanged() {
	n := 0
	for _, ch := range c.checks {
		if ch.Checked {
			n++
		}
	}
	if n == 0 {
		c.choose.Disable()
		return
	}
	c.choose.Enable()
}

var _ Prompter = (*connectFlow)(nil)
