module example.com/dashapp

go 1.26.0

replace (
	github.com/dashvet/dashvet => ../..
	github.com/redis/go-redis/v9 => ./fakes/redis
)

require (
	github.com/dashvet/dashvet v0.0.0-00010101000000-000000000000
	github.com/redis/go-redis/v9 v9.0.0-00010101000000-000000000000
)
