package copyable

import "testing"

type secret struct {
	name string
	tags []string
	next *secret
}

// Unexported fields are copied deeply, never dropped or shared.
func TestCopyUnexportedFields(t *testing.T) {
	orig := &secret{name: "a", tags: []string{"x"}, next: &secret{name: "b"}}
	c, err := Copy(orig)
	if err != nil {
		t.Fatal(err)
	}
	if c.name != "a" || len(c.tags) != 1 || c.tags[0] != "x" || c.next == nil || c.next.name != "b" {
		t.Fatalf("unexported fields lost: %+v", c)
	}
	if &c.tags[0] == &orig.tags[0] || c.next == orig.next {
		t.Fatal("unexported fields shared with the original")
	}
}

type hiddenContainers struct {
	byName map[string][]int
	extra  any
	arr    [2]*int
}

func TestCopyUnexportedMapsInterfacesArrays(t *testing.T) {
	one, two := 1, 2
	orig := hiddenContainers{
		byName: map[string][]int{"a": {1}},
		extra:  map[string]any{"k": []any{"v"}},
		arr:    [2]*int{&one, &two},
	}
	c, err := Copy(orig)
	if err != nil {
		t.Fatal(err)
	}
	c.byName["a"][0] = 9
	c.extra.(map[string]any)["k"].([]any)[0] = "changed"
	*c.arr[0] = 9
	if orig.byName["a"][0] != 1 || orig.extra.(map[string]any)["k"].([]any)[0] != "v" || one != 1 {
		t.Fatalf("unexported containers shared with the copy: %+v", orig)
	}
}
