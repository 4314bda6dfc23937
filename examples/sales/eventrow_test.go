package main

import (
	"testing"
	"time"

	"github.com/dashvet/dashvet/dash/audit"
)

func TestEventRow(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	e := audit.Event{At: at, Who: "Ada", Action: "target.update",
		Details: []byte(`{"region":"EMEA","previous_cents":5500000,"target_cents":5700000,"note":"Q4 push","session":"s1"}`)}
	want := eventRow{When: "2026-11-26 09:30:00", Who: "Ada", Action: "target.update",
		Region: "EMEA", Previous: "$55,000", Target: "$57,000", Reason: "Q4 push"}
	if got := newEventRow(e); got != want {
		t.Errorf("newEventRow = %+v, want %+v", got, want)
	}
	// Other events keep their details visible.
	e = audit.Event{At: at, Who: "ops", Action: "cache.clear", Details: []byte(`{"name":"x"}`)}
	if got := newEventRow(e); got.Reason != `{"name":"x"}` || got.Region != "" {
		t.Errorf("newEventRow of another action = %+v", got)
	}
}
