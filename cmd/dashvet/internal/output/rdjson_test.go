package output

import (
	"bytes"
	"testing"

	"github.com/dashvet/dashvet/cmd/dashvet/report"
)

func TestRDJSON(t *testing.T) {
	f := finding("/repo/app/app.go", 23, "stateinit", "p", `State.Set("count", ...) runs on every rerun`)
	f.URL = "https://example.com/stateinit"
	f.Related = []report.Related{{Pos: report.Position{File: "/repo/app/main.go", Line: 7, Column: 3}, Message: "app is the rerun entry"}}
	f.Fixes = []report.Fix{{Message: "Use SetDefault", Edits: []report.Edit{{
		Pos:     report.Position{File: "/repo/app/app.go", Line: 23, Column: 13},
		End:     report.Position{File: "/repo/app/app.go", Line: 23, Column: 16},
		NewText: "SetDefault",
	}}}}
	// A fix that edits another file is no suggestion on this one.
	g := finding("/repo/app/app.go", 30, "cacheserial", "p", "m")
	g.Fixes = []report.Fix{{Edits: []report.Edit{{Pos: report.Position{File: "/repo/other.go", Line: 1, Column: 1}}}}}

	var buf bytes.Buffer
	if err := RDJSON(&buf, []report.Finding{f, g}, "/repo"); err != nil {
		t.Fatal(err)
	}
	want := `{
  "source": {
    "name": "dashvet",
    "url": "https://github.com/dashvet/dashvet"
  },
  "severity": "ERROR",
  "diagnostics": [
    {
      "message": "State.Set(\"count\", ...) runs on every rerun\n  ↳ app/main.go:7:3: app is the rerun entry",
      "location": {
        "path": "app/app.go",
        "range": {
          "start": {
            "line": 23,
            "column": 2
          },
          "end": {
            "line": 23,
            "column": 9
          }
        }
      },
      "severity": "ERROR",
      "code": {
        "value": "stateinit",
        "url": "https://example.com/stateinit"
      },
      "suggestions": [
        {
          "range": {
            "start": {
              "line": 23,
              "column": 13
            },
            "end": {
              "line": 23,
              "column": 16
            }
          },
          "text": "SetDefault"
        }
      ]
    },
    {
      "message": "m",
      "location": {
        "path": "app/app.go",
        "range": {
          "start": {
            "line": 30,
            "column": 2
          },
          "end": {
            "line": 30,
            "column": 9
          }
        }
      },
      "severity": "ERROR",
      "code": {
        "value": "cacheserial"
      }
    }
  ]
}
`
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}

	// No findings: an empty list, not null, which reviewdog reads as
	// nothing to report.
	buf.Reset()
	if err := RDJSON(&buf, nil, "/repo"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"diagnostics": []`)) {
		t.Errorf("empty result:\n%s", buf.String())
	}
}
