package main

import "testing"

func TestFormatting(t *testing.T) {
	moneyCases := map[int64]string{0: "$0", 49: "$0", 50: "$1", 123456789: "$1,234,568", -250000: "-$2,500", 99999949: "$999,999"}
	for in, want := range moneyCases {
		if got := money(in); got != want {
			t.Errorf("money(%d) = %q, want %q", in, got, want)
		}
	}
	priceCases := map[int64]string{4900: "$49.00", 5: "$0.05", 123456: "$1,234.56"}
	for in, want := range priceCases {
		if got := price(in); got != want {
			t.Errorf("price(%d) = %q, want %q", in, got, want)
		}
	}
	countCases := map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4200: "-4,200"}
	for in, want := range countCases {
		if got := count(in); got != want {
			t.Errorf("count(%d) = %q, want %q", in, got, want)
		}
	}
	changeCases := []struct {
		now, before int64
		want        string
	}{{110, 100, "+10.0%"}, {90, 100, "-10.0%"}, {5, 0, ""}, {100, 100, "+0.0%"}}
	for _, c := range changeCases {
		if got := change(c.now, c.before); got != c.want {
			t.Errorf("change(%d, %d) = %q, want %q", c.now, c.before, got, c.want)
		}
	}
}
