package cli

import "testing"

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n          int
		noun, want string
	}{
		{1, "fix", "1 fix"},
		{2, "fix", "2 fixes"},
		{0, "file", "0 files"},
		{1, "file", "1 file"},
		{9, "older finding", "9 older findings"},
	} {
		if got := plural(c.n, c.noun); got != c.want {
			t.Errorf("plural(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}
