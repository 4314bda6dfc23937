package dash

import "testing"

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{
		"1234.5": 1234.5, "-3": -3, "1,234": 1234, "$1,234,567": 1234567,
		"-$1,234.50": -1234.5, "$12": 12, "$1234": 1234, "999": 999,
	} {
		if got, ok := parseNumber(in); !ok || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1,23", "12,3456", "1234,567", "$", "$1,2a4", "1,234 apples", "v1.2.3", "2024-01-02"} {
		if got, ok := parseNumber(in); ok {
			t.Errorf("parseNumber(%q) = %v, want not a number", in, got)
		}
	}
}
