package chart

import (
	"encoding/binary"
	"math"
	"strings"
)

// Key encodes a chart's inputs exactly (lengths, strings, float bits), so
// two different charts never share a key: callers remember drawings by it.
func Key(kind Kind, labels []string, series []Series) string {
	var b strings.Builder
	var n [8]byte
	putInt := func(v int) {
		binary.LittleEndian.PutUint64(n[:], uint64(v))
		b.Write(n[:])
	}
	putString := func(s string) {
		putInt(len(s))
		b.WriteString(s)
	}
	putInt(int(kind))
	putInt(len(labels))
	for _, l := range labels {
		putString(l)
	}
	putInt(len(series))
	for _, s := range series {
		putString(s.Name)
		putInt(len(s.Values))
		for _, v := range s.Values {
			binary.LittleEndian.PutUint64(n[:], math.Float64bits(v))
			b.Write(n[:])
		}
	}
	return b.String()
}
