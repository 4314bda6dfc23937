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
