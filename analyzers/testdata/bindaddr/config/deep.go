package main

// deepAddr extends one value in forty if/else steps: following every
// path through them would take 2^40 steps; the question is bounded.
func deepAddr(bits []bool) string {
	s := "127.0.0.1:"
	if bits[0] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[1] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[2] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[3] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[4] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[5] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[6] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[7] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[8] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[9] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[10] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[11] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[12] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[13] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[14] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[15] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[16] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[17] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[18] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[19] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[20] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[21] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[22] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[23] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[24] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[25] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[26] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[27] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[28] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[29] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[30] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[31] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[32] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[33] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[34] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[35] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[36] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[37] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[38] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	if bits[39] {
		s = s + "1"
	} else {
		s = s + "0"
	}
	return s
}
