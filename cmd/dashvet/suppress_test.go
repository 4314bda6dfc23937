package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestSuppression checks the //dashvet:ignore directives through the
// binary, in the standalone driver and in go vet alike: they are applied
// by the analyzers' own reporting.
func TestSuppression(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t)
	const file = "suppressed/suppressed.go"
	honoured := lineOf(t, dir, file, "//dashvet:ignore uncachedcall") + 1
	noReason := lineOf(t, dir, file, "//dashvet:ignore stateinit")
	unused := lineOf(t, dir, file, "//dashvet:ignore rerunresource")

	for _, tool := range []string{"dashvet", "go vet"} {
		var out string
		if tool == "dashvet" {
			out = dashvet(t, dir, "-color=never", "./suppressed").stdout
		} else {
			out = goVet(t, dir, "-vettool="+dashvetBin, "./suppressed").stderr
		}
		lines := map[int]string{}
		for line := range strings.Lines(out) {
			for _, n := range []int{honoured, noReason, unused} {
				if strings.Contains(line, file+":"+strconv.Itoa(n)+":") {
					lines[n] += line
				}
			}
		}
		if lines[honoured] != "" {
			t.Errorf("%s: the directive with a reason did not suppress:\n%s", tool, lines[honoured])
		}
		if !strings.Contains(lines[noReason], "gives no reason") {
			t.Errorf("%s: the directive without a reason is not reported:\n%s", tool, out)
		}
		if !strings.Contains(lines[unused], "suppresses no rerunresource finding") {
			t.Errorf("%s: the unused directive is not reported:\n%s", tool, out)
		}
		// The finding under the reasonless directive is still suppressed:
		// only the directive itself is reported.
		if strings.Contains(lines[noReason], "resets the value") {
			t.Errorf("%s: the stateinit finding was not suppressed:\n%s", tool, lines[noReason])
		}
	}
}
