package dash

import (
	"fmt"
	"strings"
	"testing"
)

func TestBuildTable(t *testing.T) {
	type inner struct{ X int }
	type row struct {
		Name   string
		Amount float64 `dash:"amount €"`
		Hidden string  `dash:"-"`
		Ptr    *int
		inner  // promoted fields are columns, as in encoding/json
	}
	seven := 7
	cases := []struct {
		name string
		in   any
		want string // columns | numeric | rows
	}{
		{"structs", []row{{Name: "a", Amount: 1.5, Ptr: &seven}, {Name: "b"}},
			"[Name amount € Ptr X] | [false true true true] | [[a 1.5 7 0] [b 0  0]]"},
		{"pointers to structs", []*row{nil, {Name: "c"}}, "[Name amount € Ptr X] | [false true true true] | [[   ] [c 0  0]]"},
		{"maps", []map[string]any{{"b": 2, "a": "x"}, {"a": "y", "c": nil}},
			"[a b c] | [false false false] | [[x 2 ] [y  ]]"},
		{"numeric maps", []map[string]int{{"n": 1}, {"n": 2}}, "[n] | [true] | [[1] [2]]"},
		{"strings", [][]string{{"h1", "h2"}, {"1"}, {"a", "b", "c"}}, "[h1 h2] | [false false] | [[1 ] [a b]]"},
		{"scalars", []int{4, 5}, "[value] | [true] | [[4] [5]]"},
		{"nil", nil, "[] | [] | []"},
	}
	for _, tc := range cases {
		got, err := buildTable(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if s := fmt.Sprintf("%v | %v | %v", got.Columns, got.Numeric, got.Rows); s != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, s, tc.want)
		}
	}
	for _, bad := range []any{42, "text", []chan int{nil}} {
		if _, err := buildTable(bad); err == nil {
			t.Errorf("buildTable(%T) accepted", bad)
		}
	}
}

func TestBuildTableTruncates(t *testing.T) {
	got, err := buildTable(make([]int, maxTableRows+5))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != maxTableRows || got.TotalRows != maxTableRows+5 {
		t.Errorf("rows %d of %d", len(got.Rows), got.TotalRows)
	}
	if !strings.Contains(fmt.Sprint(got.Columns), "value") {
		t.Errorf("columns %v", got.Columns)
	}
}
