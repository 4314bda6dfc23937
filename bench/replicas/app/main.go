// Command app is the replica of bench/replicas: the seed's dashboard shape
// (a region select box and a day slider driving a cached "query") whose
// database is an HTTP endpoint that counts queries. With DASH_CACHE_REDIS_URL
// set, its data cache is shared with the other replicas through Redis;
// without, each replica caches alone.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/dashvet/dashvet/dash"
)

var dbURL = flag.String("db-url", "http://127.0.0.1:18700/query", "the counting database endpoint")

type key struct {
	Region string
	Day    int
}

type revenue struct {
	Region string
	Day    int
	Total  float64
	Lines  []string
}

var client = dash.CacheSingleton(func(context.Context) (*http.Client, error) {
	return &http.Client{Timeout: 10 * time.Second}, nil
})

var revenueOf = dash.CacheData(func(ctx context.Context, k key) (revenue, error) {
	c, err := client.Get(ctx)
	if err != nil {
		return revenue{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *dbURL+"?region="+k.Region+"&day="+strconv.Itoa(k.Day), nil)
	if err != nil {
		return revenue{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return revenue{}, fmt.Errorf("query: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return revenue{}, fmt.Errorf("query: %w", err)
	}
	total, _ := strconv.ParseFloat(string(body), 64)
	return revenue{Region: k.Region, Day: k.Day, Total: total, Lines: []string{"north", "south"}}, nil
}, dash.CacheName("bench-revenue"), dash.TTL(10*time.Minute), dash.Shared(nil))

func app(ui *dash.UI) {
	region := ui.Selectbox("Region", []string{"EMEA", "APAC", "AMER", "LATAM", "ANZ"})
	day := ui.Slider("Day", 1, 20, 1)
	r, err := revenueOf.Get(ui.Context(), key{region, day})
	if err != nil {
		ui.Error(err.Error())
		return
	}
	ui.Text(fmt.Sprintf("%s day %d: %.2f", r.Region, r.Day, r.Total))
}

func main() {
	flag.CommandLine.Parse(dash.AppArgs(os.Args[1:]))
	if err := dash.Run(app); err != nil {
		log.Fatal(err)
	}
}
