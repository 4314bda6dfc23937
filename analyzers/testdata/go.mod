module example.com/dashapp

go 1.26.0
