package dash

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

const kindDataFrame = "dataframe"

// defaultPageSize is the rows a DataFrame shows at once.
const defaultPageSize = 25

// maxPageSize bounds PageSize: a page is sent whole on every change.
const maxPageSize = 1000

// frameView is a DataFrame's widget value: which page the user looks at
// and how the rows are sorted. Only that page travels to the browser.
type frameView struct {
	Page int  `json:"page"`
	Sort int  `json:"sort"` // column index, -1 for the data's own order
	Desc bool `json:"desc"`
}

// frameOption carries DataFrame-only settings through the WidgetOption
// list; other widgets ignore it.
type frameOption struct{ pageSize int }

func (frameOption) applyWidget(*widgetConfig) {}

// PageSize sets the rows a DataFrame shows per page (default 25, at most
// 1000). Other widgets ignore it.
func PageSize(n int) WidgetOption { return frameOption{pageSize: n} }

// DataFrame shows data like Table, sortable by clicking a column header
// and paginated: only the rows of the page on screen are sent to the
// browser, so a frame of a hundred thousand rows costs one page of
// traffic. Sorting and paging rerun the app, which passes the data again
// (get it from CacheData so that is cheap). It accepts what Table accepts.
// Key gives it a stable identity when several show the same kind of data.
func (ui *UI) DataFrame(data any, opts ...WidgetOption) {
	if !ui.enter() {
		return
	}
	pageSize := defaultPageSize
	for _, o := range opts {
		if f, ok := o.(frameOption); ok && f.pageSize > 0 {
			pageSize = min(f.pageSize, maxPageSize)
		}
	}
	t, err := fullTable(data)
	if err != nil {
		ui.alert("error", "DataFrame: "+err.Error())
		return
	}
	inferNumeric(t)
	ncols := len(t.Columns)
	pages := max(1, (len(t.Rows)+pageSize-1)/pageSize)
	var rows [][]string
	// fix runs once, with the value the run uses, before props: it cuts
	// the page's rows that props sends.
	fix := func(v frameView) frameView {
		v.Page = max(0, min(v.Page, pages-1))
		if v.Sort < -1 || v.Sort >= ncols {
			v.Sort = -1
		}
		rows = pageRows(t, v, pageSize)
		return v
	}
	// The label is the columns: two frames of different shapes without a
	// Key get different identities, and the view of one is not applied to
	// the other.
	label := strings.Join(t.Columns, "\x1f")
	widget(ui, widgetSpec[frameView]{
		kind: kindDataFrame, label: label, def: frameView{Sort: -1}, cfg: widgetOptions(opts),
		decode: func(raw json.RawMessage) (frameView, error) {
			var v frameView
			if err := json.Unmarshal(raw, &v); err != nil {
				return frameView{}, fmt.Errorf("want {page, sort, desc}: %w", err)
			}
			if v.Page < 0 || v.Page >= pages || v.Sort < -1 || v.Sort >= ncols {
				return frameView{}, fmt.Errorf("view %+v out of range: %d pages, %d columns", v, pages, ncols)
			}
			return v, nil
		},
		fix: fix,
		props: func() map[string]any {
			return map[string]any{
				"columns": t.Columns, "numeric": t.Numeric, "rows": rows,
				"totalRows": len(t.Rows), "pageSize": pageSize,
			}
		},
	})
}

// pageRows sorts t's rows as v says and returns page v.Page.
func pageRows(t *tableProps, v frameView, pageSize int) [][]string {
	rows := t.Rows
	if v.Sort >= 0 {
		rows = sortedRows(rows, v.Sort, t.Numeric[v.Sort], v.Desc)
	}
	lo := min(v.Page*pageSize, len(rows))
	hi := min(lo+pageSize, len(rows))
	out := rows[lo:hi]
	if out == nil {
		out = [][]string{}
	}
	return out
}

// sortedRows returns rows ordered by column col: numbers numerically when
// the column is numeric, text otherwise; empty or unparsable cells of a
// numeric column first. Ties keep the data's order. Keys are parsed once,
// not in every comparison: sorting 100k rows costs tens of milliseconds.
func sortedRows(rows [][]string, col int, numeric, desc bool) [][]string {
	type key struct {
		i   int
		num float64
		ok  bool // num is valid
	}
	keys := make([]key, len(rows))
	for i, r := range rows {
		keys[i].i = i
		if numeric {
			if f, ok := parseNumber(r[col]); ok {
				keys[i].num, keys[i].ok = f, true
			}
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		var c int
		switch {
		case a.ok && b.ok:
			c = cmp.Compare(a.num, b.num)
		case a.ok:
			c = 1
		case b.ok:
			c = -1
		default:
			c = strings.Compare(rows[a.i][col], rows[b.i][col])
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.i, b.i) // stable
		}
		return c
	})
	out := make([][]string, len(rows))
	for i, k := range keys {
		out[i] = rows[k.i]
	}
	return out
}

// inferNumeric marks as numeric the text columns whose every non-empty
// cell is a number ([][]string data, or numbers kept in strings), so they
// sort numerically and align right. The scan of a column stops at its
// first non-number.
func inferNumeric(t *tableProps) {
	for j := range t.Columns {
		if t.Numeric[j] {
			continue
		}
		seen := false
		numeric := true
		for _, r := range t.Rows {
			if r[j] == "" {
				continue
			}
			if _, ok := parseNumber(r[j]); !ok {
				numeric = false
				break
			}
			seen = true
		}
		t.Numeric[j] = numeric && seen
	}
}

// fullTable is buildTable without its row limit: it converts data in
// chunks of maxTableRows with buildTable, so DataFrame and Table show the
// same columns and cells.
func fullTable(data any) (*tableProps, error) {
	v := reflect.ValueOf(data)
	if data == nil || v.Kind() != reflect.Slice || v.Len() <= maxTableRows {
		return buildTable(data)
	}
	if ss, ok := data.([][]string); ok {
		t := &tableProps{Columns: slices.Clone(ss[0]), Numeric: make([]bool, len(ss[0]))}
		for _, row := range ss[1:] {
			r := make([]string, len(t.Columns))
			copy(r, row)
			t.Rows = append(t.Rows, r)
		}
		t.TotalRows = len(t.Rows)
		return t, nil
	}
	var chunks []*tableProps
	for lo := 0; lo < v.Len(); lo += maxTableRows {
		c, err := buildTable(v.Slice(lo, min(lo+maxTableRows, v.Len())).Interface())
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, c)
	}
	return mergeChunks(chunks), nil
}

// mergeChunks joins tables converted separately. Maps yield the columns
// their chunk has, so the columns are the sorted union and each chunk's
// rows are realigned to it.
func mergeChunks(chunks []*tableProps) *tableProps {
	set := map[string]bool{}
	for _, c := range chunks {
		for _, col := range c.Columns {
			set[col] = true
		}
	}
	t := &tableProps{Columns: chunks[0].Columns, Numeric: slices.Clone(chunks[0].Numeric)}
	same := true
	for _, c := range chunks[1:] {
		same = same && slices.Equal(c.Columns, t.Columns)
	}
	if !same {
		t.Columns = slices.Sorted(func(yield func(string) bool) {
			for k := range set {
				if !yield(k) {
					return
				}
			}
		})
		t.Numeric = make([]bool, len(t.Columns))
		for i := range t.Numeric {
			t.Numeric[i] = true
		}
	}
	pos := make(map[string]int, len(t.Columns))
	for i, col := range t.Columns {
		pos[col] = i
	}
	for _, c := range chunks {
		for j, col := range c.Columns {
			t.Numeric[pos[col]] = t.Numeric[pos[col]] && c.Numeric[j]
		}
		for _, row := range c.Rows {
			if same {
				t.Rows = append(t.Rows, row)
				continue
			}
			r := make([]string, len(t.Columns))
			for j, col := range c.Columns {
				r[pos[col]] = row[j]
			}
			t.Rows = append(t.Rows, r)
		}
	}
	t.TotalRows = len(t.Rows)
	return t
}

// parseNumber reads a cell as a number: plain ("1234.5"), or as people
// format amounts for reading, with thousands separators and a leading
// currency sign ("$1,234", "-$1,234.50"), so that such a column still
// sorts numerically and aligns right.
func parseNumber(s string) (float64, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	neg := strings.HasPrefix(s, "-")
	t := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "$")
	intPart, frac, hasFrac := strings.Cut(t, ".")
	groups := strings.Split(intPart, ",")
	switch {
	case len(groups[0]) == 0:
		return 0, false
	case len(groups) == 1 && !strings.HasPrefix(strings.TrimPrefix(s, "-"), "$"):
		return 0, false // neither grouped nor an amount: ParseFloat said no
	case len(groups) > 1 && len(groups[0]) > 3:
		return 0, false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return 0, false
		}
	}
	plain := strings.Join(groups, "")
	if hasFrac {
		plain += "." + frac
	}
	for _, c := range plain {
		if (c < '0' || c > '9') && c != '.' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(plain, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}
