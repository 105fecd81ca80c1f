package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// recordList is the list of records with the keys a list of files has:
// the arrows move the selection (and the strip below follows it), Enter
// opens the selected record.
type recordList struct {
	widget.List
	x *recordsScreen
}

func (x *recordsScreen) buildList() {
	l := &recordList{x: x}
	l.Length = func() int { return len(x.rows) }
	l.CreateItem = func() fyne.CanvasObject { return newRecordRow(x, false) }
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(x.rows) {
			return
		}
		o.(*recordRow).set(id, x.rows[id])
		if id >= len(x.rows)-recNearEnd {
			x.more()
		}
	}
	l.OnSelected = func(id widget.ListItemID) {
		x.selected = id
		x.showSelected()
	}
	l.ExtendBaseWidget(l)
	x.list = l
	x.empty = widget.NewLabel("")
	x.empty.Hide()
}

func (l *recordList) TypedKey(ev *fyne.KeyEvent) {
	x := l.x
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		x.open(x.selectedID())
	case fyne.KeyDown:
		if x.selected < len(x.rows)-1 {
			l.Select(x.selected + 1)
		}
	case fyne.KeyUp:
		if x.selected > 0 {
			l.Select(x.selected - 1)
		}
	default:
		l.List.TypedKey(ev)
	}
}

// buildDetail makes the strip below the list: the selected record's
// title, what it is, its status banner (a returned record's comment, a
// conflict) and what can be done with it.
func (x *recordsScreen) buildDetail() {
	x.hint = widget.NewLabel(lang.X("records.hint", "Select a record to see its status and history; double-click it or press Enter to open it."))
	x.hint.Wrapping = fyne.TextWrapWord
	x.title = bold("")
	x.title.Truncation = fyne.TextTruncateEllipsis
	x.info = widget.NewLabel("")
	x.info.Truncation = fyne.TextTruncateEllipsis
	x.banner = newStatusBanner()
	x.openBtn = widget.NewButtonWithIcon(lang.X("records.open", "Open"), theme.DocumentIcon(), func() { x.open(x.selectedID()) })
	x.openBtn.Importance = widget.HighImportance
	x.historyBtn = widget.NewButtonWithIcon(lang.X("records.history", "History"), theme.HistoryIcon(), func() { x.showHistory(x.selectedID()) })
	x.resBtn = widget.NewButtonWithIcon(lang.X("records.resolve", "Choose or merge versions…"), theme.WarningIcon(), func() { x.showConflict(x.selectedID()) })
	x.resBtn.Importance = widget.WarningImportance
	buttons := container.NewHBox(x.resBtn, x.historyBtn, x.openBtn)
	about := container.NewBorder(nil, nil, nil, container.NewCenter(buttons), container.NewVBox(x.title, x.info))
	x.detail = container.NewVBox(x.hint, x.banner.Content(), about)
}

// showSelected fills the strip with the selected record, or the hint.
func (x *recordsScreen) showSelected() {
	if x.selected < 0 || x.selected >= len(x.rows) {
		x.hint.Show()
		x.banner.Show(nil)
		x.detail.Objects[2].Hide()
		return
	}
	d := x.rows[x.selected]
	h := d.head
	x.hint.Hide()
	x.detail.Objects[2].Show()
	x.title.SetText(h.Title)
	x.info.SetText(lang.X("records.info", "{{.ID}} · {{.Kind}} · {{.Office}} · {{.Revisions}} revisions · last updated {{.Updated}}",
		map[string]any{"ID": h.ID, "Kind": d.kind, "Office": h.Office, "Revisions": x.num.Sprintf("%d", h.Revisions), "Updated": x.names.dateTime(h.Updated)}))
	x.banner.Show(h)
	setVisible(x.resBtn, h.Conflict)
}
