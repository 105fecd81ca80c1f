package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/framework"
)

// browser is the framework browser: a tree of the framework (or, while the
// search field holds text, the flat list of matches) on the left, and the
// selected entry's detail on the right. It reads one version at a time.
type browser struct {
	cat *catalog
	num *message.Printer // figures in the user's language ("10 000" in French)

	search  *widget.Entry
	tree    *widget.Tree
	list    *widget.List
	matches []*node
	noMatch *widget.Label

	detailBox    *fyne.Container
	detailScroll *container.Scroll
	current      string // UID shown in the detail pane; "" is the overview
	selected     string // UID the tree last reported selected (it has no getter)
	content      fyne.CanvasObject
}

func newBrowser(v *framework.View, langCode string) *browser {
	b := &browser{cat: newCatalog(v), num: message.NewPrinter(language.Make(langCode))}
	b.buildTree()
	b.buildSearch()
	b.detailBox = container.NewVBox()
	b.detailScroll = container.NewVScroll(container.NewPadded(b.detailBox))
	left := container.NewBorder(b.search, nil, nil, nil, container.NewStack(b.tree, b.list, b.noMatch))
	split := container.NewHSplit(left, b.detailScroll)
	split.Offset = 0.38
	b.content = split
	b.showDetail("")
	return b
}

func (b *browser) buildTree() {
	b.tree = widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID { return b.cat.children[id] },
		func(id widget.TreeNodeID) bool { return id == "" || len(b.cat.children[id]) > 0 },
		func(bool) fyne.CanvasObject { return newLine() },
		func(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) { o.(*line).set(b.cat.nodes[id]) },
	)
	b.tree.OnSelected = func(id widget.TreeNodeID) {
		b.selected = id
		// Selecting an entry also opens it: what hangs below is usually
		// what one looks for next.
		b.tree.OpenBranch(id)
		b.showDetail(id)
	}
}

func (b *browser) buildSearch() {
	b.search = widget.NewEntry()
	b.search.SetPlaceHolder(lang.X("search.placeholder", "Search by code or title (Ctrl+F)"))
	b.search.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { b.search.SetText("") })
	b.search.OnChanged = b.filter
	b.search.OnSubmitted = func(string) {
		if len(b.matches) > 0 {
			b.list.Select(0)
		}
	}
	b.list = widget.NewList(
		func() int { return len(b.matches) },
		func() fyne.CanvasObject { return newLine() },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*line).set(b.matches[i]) },
	)
	b.list.OnSelected = func(i widget.ListItemID) { b.Select(b.matches[i].uid) }
	b.list.Hide()
	b.noMatch = widget.NewLabel(lang.X("search.none", "Nothing matches."))
	b.noMatch.Hide()
}

// filter shows the matches of q in place of the tree, or the tree again when
// q is empty.
func (b *browser) filter(q string) {
	b.matches = b.cat.search(q)
	b.list.UnselectAll()
	b.list.Refresh()
	b.list.ScrollToTop()
	searching := len(q) > 0
	setVisible(b.tree, !searching)
	setVisible(b.list, searching && len(b.matches) > 0)
	setVisible(b.noMatch, searching && len(b.matches) == 0)
}

func setVisible(o fyne.CanvasObject, v bool) {
	if v {
		o.Show()
	} else {
		o.Hide()
	}
}

// Content is the browser's widget tree.
func (b *browser) Content() fyne.CanvasObject { return b.content }

// SetView switches the browser to another framework version; the tree is
// closed and the detail pane shows the version's overview.
func (b *browser) SetView(v *framework.View) {
	b.cat = newCatalog(v)
	b.search.SetText("")
	b.tree.UnselectAll()
	b.selected = ""
	b.tree.CloseAllBranches()
	b.tree.Refresh()
	b.current = "-" // force the overview to be rebuilt for the new version
	b.showDetail("")
}

// Select shows the entry with the given UID, opening the tree down to it.
// It reports false when this version has no such entry. Call it once the
// browser is in a sized window: Tree.ScrollTo in a tree of no height puts
// the entry at the top even when it needed no scrolling.
func (b *browser) Select(id string) bool {
	if _, ok := b.cat.nodes[id]; !ok {
		return false
	}
	for _, p := range b.cat.path(id) {
		b.tree.OpenBranch(p.uid)
	}
	b.tree.Select(id)
	b.tree.ScrollTo(id)
	b.showDetail(id)
	return true
}

// FocusSearch puts the keyboard in the search field (Ctrl+F).
func (b *browser) FocusSearch(c fyne.Canvas) {
	c.Focus(b.search)
}

func (b *browser) showDetail(id string) {
	if id == b.current && len(b.detailBox.Objects) > 0 {
		return
	}
	b.current = id
	b.detailBox.Objects = b.detail(id)
	b.detailBox.Refresh()
	b.detailScroll.ScrollToTop()
}

// line is a row of the tree and of the search list: the entry's code in
// bold, then its title cut to the width that is left.
type line struct {
	widget.BaseWidget
	code, title *widget.Label
}

func newLine() *line {
	l := &line{code: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), title: widget.NewLabel("")}
	l.title.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

func (l *line) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, l.code, nil, l.title))
}

func (l *line) set(n *node) {
	if n == nil {
		return
	}
	l.code.Text = n.code
	setVisible(l.code, n.code != "")
	l.title.Text = n.title
	l.title.TextStyle.Bold = n.parent == "" // the sections
	l.code.Refresh()
	l.title.Refresh()
	l.Refresh()
}
