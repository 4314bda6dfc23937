package main

import "testing"

func TestInvokedByGoVet(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"-json", "-stateinit", "/tmp/go-build1/b001/vet.cfg"}, true},
		{[]string{"-fix", "/tmp/go-build1/b001/vet.cfg"}, true},
		{nil, false},
		{[]string{"./..."}, false},
		{[]string{"-format=json", "./..."}, false},
		{[]string{"-list"}, false},
		{[]string{"help", "stateinit"}, false},
	} {
		if got := invokedByGoVet(tc.args); got != tc.want {
			t.Errorf("invokedByGoVet(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
