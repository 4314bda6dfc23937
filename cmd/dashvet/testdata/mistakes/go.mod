module example.com/mistakes

go 1.26.0

require github.com/dashvet/dashvet v0.0.0-00010101000000-000000000000

replace github.com/dashvet/dashvet => ../../../..
