package uncachedcall

import (
	"context"

	"dashapp/store"
	"github.com/dashvet/dashvet/dash"
)

// Work handed to a long-lived goroutine through a channel runs once per
// send: the send reaches what the receiver does after it receives.

type salesReq struct {
	region string
	reply  chan []Sale
}

var salesReqs = make(chan salesReq)

// salesWorker is started once, in init; it queries once per request.
func salesWorker() {
	for req := range salesReqs {
		rows, _ := loadSales(context.Background(), req.region)
		req.reply <- rows
	}
}

// idleWorker receives but does no I/O.
var ticks = make(chan int)

func idleWorker() {
	total := 0
	for n := range ticks {
		total += n
	}
	_ = total
}

// A worker behind a struct: the field is the channel's home.
type priceService struct {
	reqs chan string
}

func (p *priceService) serve() {
	for {
		select {
		case sku := <-p.reqs:
			db.QueryRowContext(context.Background(), "SELECT price FROM prices WHERE sku = $1", sku)
		case <-context.Background().Done():
			return
		}
	}
}

// Price asks the service and does not wait.
func (p *priceService) Price(sku string) { p.reqs <- sku }

var auditLog = make(chan string, 64)

func auditWriter() {
	for ev := range auditLog {
		db.ExecContext(context.Background(), "INSERT INTO audit (event) VALUES ($1)", ev)
	}
}

var prices = &priceService{reqs: make(chan string)}

var refresher = store.NewRefresher(db)

func init() {
	go salesWorker()
	go idleWorker()
	go prices.serve()
	go auditWriter()
}

func workers(ui *dash.UI) {
	region := ui.Selectbox("Region", []string{"EMEA", "APAC"})
	reply := make(chan []Sale)
	salesReqs <- salesReq{region, reply} // want `^workers → salesWorker → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap loadSales in dash.CacheData$`
	ui.Table(<-reply)

	ticks <- 1 // the receiver does no I/O

	select {
	case salesReqs <- salesReq{region, reply}: // want `^workers → salesWorker → loadSales → \(\*sql.DB\).QueryContext: database query runs on every rerun`
	case <-ui.Context().Done():
		return
	}

	store.Jobs <- "rerun" // want `^workers → store.jobWorker → \(\*sql.DB\).ExecContext: database write runs on every rerun; send the work to store.jobWorker only behind a trigger`

	auditLog <- "viewed" // want `^workers → auditWriter → \(\*sql.DB\).ExecContext: database write runs on every rerun; send the work to auditWriter only behind a trigger`

	prices.Price("sku-1")      // want `workers → \(\*priceService\).Price → \(\*priceService\).serve → \(\*sql.DB\).QueryRowContext: database query runs on every rerun; move the query out of \(\*priceService\).serve into a loading function wrapped in dash.CacheData$`
	refresher.Refresh("rerun") // want `workers → \(\*store.Refresher\).Refresh → \(\*store.Refresher\).loop → \(\*sql.DB\).ExecContext: database write runs on every rerun; call \(\*store.Refresher\).Refresh only behind a trigger`

	if ui.Button("Reload") {
		salesReqs <- salesReq{region, reply} // once per click
		<-reply
		refresher.Refresh("button")
	}
}

// Channels passed as values: made in one place, handed to a worker as an
// argument and to the page as a captured variable or a field. The make
// call is the channel's identity.

func stockWorker(reqs <-chan string) {
	for sku := range reqs {
		db.QueryRowContext(context.Background(), "SELECT qty FROM stock WHERE sku = $1", sku)
	}
}

func sumWorker(nums <-chan int, out chan<- int) {
	total := 0
	for n := range nums {
		total += n
	}
	out <- total
}

type stockPage struct {
	reqs chan<- string
}

func (p *stockPage) view(ui *dash.UI) {
	p.reqs <- ui.TextInput("SKU", "") // want `^\(\*stockPage\).view → stockWorker → \(\*sql.DB\).QueryRowContext: database query runs on every rerun; move the query out of stockWorker into a loading function wrapped in dash.CacheData$`
}

func serveStock() {
	reqs := make(chan string, 8)
	go stockWorker(reqs)
	nums, out := make(chan int), make(chan int)
	go sumWorker(nums, out)
	page := &stockPage{reqs: reqs}
	_ = dash.Run(func(ui *dash.UI) {
		reqs <- "sku-2" // want `^serveStock.func1 → stockWorker → \(\*sql.DB\).QueryRowContext: database query runs on every rerun`
		nums <- 1       // the receiver does no I/O
		page.view(ui)
		if ui.Button("Recount") {
			reqs <- "all" // once per click
		}
	})
}
