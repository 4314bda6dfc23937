package main

import (
	"fmt"
	"strconv"
	"strings"
)

// money formats cents as whole dollars with thousands separators:
// 123456789 → "$1,234,568".
func money(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	dollars := (cents + 50) / 100
	s := groupThousands(strconv.FormatInt(dollars, 10))
	if neg {
		return "-$" + s
	}
	return "$" + s
}

// price formats cents with two decimals: 4900 → "$49.00".
func price(cents int64) string {
	return fmt.Sprintf("$%s.%02d", groupThousands(strconv.FormatInt(cents/100, 10)), cents%100)
}

// count formats an integer with thousands separators.
func count(n int64) string {
	if n < 0 {
		return "-" + groupThousands(strconv.FormatInt(-n, 10))
	}
	return groupThousands(strconv.FormatInt(n, 10))
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// change formats the relative change from before to now as a Metric
// delta: "+12.5%", "-3.0%", or "" when there is nothing to compare with.
func change(now, before int64) string {
	if before == 0 {
		return ""
	}
	pct := float64(now-before) / float64(before) * 100
	return fmt.Sprintf("%+.1f%%", pct)
}
