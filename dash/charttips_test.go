package dash

import "testing"

func TestTipValue(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", 12: "12", 1234: "1,234", 1234567: "1,234,567", -98765.4321: "-98,765.43",
		0.5: "0.5", 999.999: "1,000", 100000: "100,000",
	} {
		if got := tipValue(in); got != want {
			t.Errorf("tipValue(%v) = %q, want %q", in, got, want)
		}
	}
}
