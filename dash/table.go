package dash

import (
	"fmt"
	"reflect"
	"sort"
)

// maxTableRows bounds what one Table sends to the browser: a table of a
// million rows would exceed any sane message and freeze the page. The rest
// is reported as truncated.
const maxTableRows = 10000

type tableProps struct {
	Columns   []string   `json:"columns"`
	Numeric   []bool     `json:"numeric"` // right-align these columns
	Rows      [][]string `json:"rows"`
	TotalRows int        `json:"totalRows"`
}

// buildTable converts the data Table accepts into rows of strings.
func buildTable(data any) (*tableProps, error) {
	if data == nil {
		return &tableProps{Columns: []string{}, Numeric: []bool{}, Rows: [][]string{}}, nil
	}
	if ss, ok := data.([][]string); ok {
		return tableFromStrings(ss), nil
	}
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil, fmt.Errorf("want a slice of structs, a slice of maps or [][]string, got %T", data)
	}
	elem := v.Type().Elem()
	base := elem
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	switch {
	case base.Kind() == reflect.Struct:
		return tableFromStructs(v, base), nil
	case base.Kind() == reflect.Map && base.Key().Kind() == reflect.String:
		return tableFromMaps(v), nil
	case isScalar(base):
		t := &tableProps{Columns: []string{"value"}, Numeric: []bool{isNumeric(base)}}
		t.TotalRows = v.Len()
		for i := 0; i < min2(v.Len(), maxTableRows); i++ {
			t.Rows = append(t.Rows, []string{cell(v.Index(i))})
		}
		return t, nil
	}
	return nil, fmt.Errorf("unsupported element type %s: want structs, maps with string keys, or scalars", elem)
}

func tableFromStrings(ss [][]string) *tableProps {
	t := &tableProps{Columns: []string{}, Rows: [][]string{}}
	if len(ss) == 0 {
		t.Numeric = []bool{}
		return t
	}
	t.Columns = append(t.Columns, ss[0]...)
	t.Numeric = make([]bool, len(t.Columns))
	body := ss[1:]
	t.TotalRows = len(body)
	for _, row := range body[:min2(len(body), maxTableRows)] {
		// Pad or cut ragged rows to the header so every row lines up.
		r := make([]string, len(t.Columns))
		copy(r, row)
		t.Rows = append(t.Rows, r)
	}
	return t
}

func tableFromStructs(v reflect.Value, st reflect.Type) *tableProps {
	var idx [][]int
	t := &tableProps{Rows: [][]string{}}
	for _, f := range reflect.VisibleFields(st) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("dash"); ok {
			if tag == "-" {
				continue
			}
			if tag != "" {
				name = tag
			}
		}
		idx = append(idx, f.Index)
		t.Columns = append(t.Columns, name)
		t.Numeric = append(t.Numeric, isNumeric(f.Type))
	}
	t.TotalRows = v.Len()
	for i := 0; i < min2(v.Len(), maxTableRows); i++ {
		e := v.Index(i)
		for e.Kind() == reflect.Pointer {
			if e.IsNil() {
				break
			}
			e = e.Elem()
		}
		row := make([]string, len(idx))
		if e.Kind() == reflect.Struct {
			for j, fi := range idx {
				if f, err := e.FieldByIndexErr(fi); err == nil {
					row[j] = cell(f)
				}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func tableFromMaps(v reflect.Value) *tableProps {
	n := min2(v.Len(), maxTableRows)
	seen := map[string]bool{}
	var cols []string
	for i := 0; i < n; i++ {
		m := v.Index(i)
		for m.Kind() == reflect.Pointer && !m.IsNil() {
			m = m.Elem()
		}
		if m.Kind() != reflect.Map {
			continue
		}
		for _, k := range m.MapKeys() {
			if s := k.String(); !seen[s] {
				seen[s] = true
				cols = append(cols, s)
			}
		}
	}
	// Map order is random; sort so the columns do not dance between reruns.
	sort.Strings(cols)
	t := &tableProps{Columns: cols, Numeric: make([]bool, len(cols)), Rows: [][]string{}, TotalRows: v.Len()}
	if cols == nil {
		t.Columns = []string{}
	}
	numeric := make([]int, len(cols))
	for i := 0; i < n; i++ {
		m := v.Index(i)
		for m.Kind() == reflect.Pointer && !m.IsNil() {
			m = m.Elem()
		}
		row := make([]string, len(cols))
		if m.Kind() == reflect.Map {
			for j, c := range cols {
				val := m.MapIndex(reflect.ValueOf(c).Convert(m.Type().Key()))
				if val.IsValid() {
					row[j] = cell(val)
					if isNumeric(concrete(val).Type()) {
						numeric[j]++
					}
				}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	for j := range cols {
		t.Numeric[j] = n > 0 && numeric[j] == n
	}
	return t
}

func concrete(v reflect.Value) reflect.Value {
	for (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && !v.IsNil() {
		v = v.Elem()
	}
	return v
}

// cell formats one value. Nil pointers and interfaces are empty cells;
// fmt handles the rest, including Stringers such as time.Time.
func cell(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		// A *int column shows the number, not an address; a pointer to a
		// Stringer (or error) still formats through its method.
		if v.Kind() == reflect.Pointer && v.CanInterface() {
			switch v.Interface().(type) {
			case fmt.Stringer, error:
			default:
				return cell(v.Elem())
			}
		}
	case reflect.Map, reflect.Slice:
		if v.IsNil() {
			return ""
		}
	}
	if !v.CanInterface() {
		return ""
	}
	return fmt.Sprint(v.Interface())
}

func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool:
		return true
	}
	return isNumeric(t)
}

func isNumeric(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}
