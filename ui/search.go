package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// searchBar sits above the list: a search box, and a page filter when
// more than one page is synced. It only records what the merchant
// typed or picked; the loop waits for the typing to pause before it
// searches.
type searchBar struct {
	root   *fyne.Container
	entry  *widget.Entry
	filter *widget.Select
	clear  *widget.Button
	pages  []store.Page
	chosen string // the page filtered on, by id: its name may change

	onQuery  func(string)
	onFilter func(pageID string)
}

const allPages = "All pages"

func newSearchBar() *searchBar {
	s := &searchBar{entry: widget.NewEntry()}
	s.entry.SetPlaceHolder("Search names and messages")
	s.clear = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { s.entry.SetText("") })
	s.clear.Importance = widget.LowImportance
	s.clear.Hide()
	s.entry.ActionItem = s.clear
	s.entry.OnChanged = func(text string) {
		s.clear.Hidden = text == ""
		s.entry.Refresh()
		if s.onQuery != nil {
			s.onQuery(text)
		}
	}
	s.filter = widget.NewSelect(nil, func(name string) {
		s.chosen = s.pageID(name)
		if s.onFilter != nil {
			s.onFilter(s.chosen)
		}
	})
	s.filter.Hide()
	search := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, s.entry)
	s.root = container.NewVBox(s.filter, search)
	return s
}

// setPages refreshes the filter's choices, keeping the page chosen (by
// id, so a renamed page stays chosen) unless it is gone. The filter is
// shown only when there is a choice.
func (s *searchBar) setPages(pages []store.Page) {
	s.pages = pages
	opts := []string{allPages}
	selected := 0
	for i, p := range pages {
		opts = append(opts, pageLabel(p))
		if p.ID == s.chosen {
			selected = i + 1
		}
	}
	s.filter.SetOptions(opts)
	if s.filter.Selected != opts[selected] { // the page is gone, or renamed
		s.filter.SetSelectedIndex(selected)
	}
	s.filter.Hidden = len(pages) < 2
	s.root.Refresh()
}

// pageID maps a filter label back to its page ("" for all pages).
func (s *searchBar) pageID(label string) string {
	for _, p := range s.pages {
		if pageLabel(p) == label {
			return p.ID
		}
	}
	return ""
}

func pageLabel(p store.Page) string {
	if p.Name != "" {
		return p.Name
	}
	return "Page " + p.ID
}
