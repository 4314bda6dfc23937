package rerun

import (
	"fmt"
	"strings"
)

// SpecList is a flag.Value holding extra catalogue rows given on the
// command line as a comma-separated list of
//
//	pkg/path.Func
//	pkg/path.(*T).Method
//	pkg/path.T.Method
//
// for example -uncachedcall.sinks=example.com/store.Fetch,example.com/api.(*Client).Call.
type SpecList struct {
	kind    Kind
	entries []entry
	text    []string
}

func newSpecList(kind Kind) *SpecList { return &SpecList{kind: kind} }

// String implements flag.Value.
func (s *SpecList) String() string {
	if s == nil {
		return ""
	}
	return strings.Join(s.text, ",")
}

// Set implements flag.Value; it appends, so the flag may be repeated.
func (s *SpecList) Set(v string) error {
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		e, err := parseSpec(item)
		if err != nil {
			return err
		}
		e.kind = s.kind
		s.entries = append(s.entries, e)
		s.text = append(s.text, item)
	}
	return nil
}

// parseSpec parses one "pkg.Func" or "pkg.(*T).Method" or "pkg.T.Method".
func parseSpec(item string) (entry, error) {
	bad := func() (entry, error) {
		return entry{}, fmt.Errorf("invalid function %q: want pkg/path.Func, pkg/path.(*T).Method or pkg/path.T.Method", item)
	}
	slash := strings.LastIndex(item, "/")
	if i := strings.Index(item, ".("); i > slash && i > 0 {
		j := strings.Index(item[i:], ")")
		if j < 0 || i+j+2 > len(item) || item[i+j+1] != '.' {
			return bad()
		}
		recv := strings.TrimPrefix(item[i+2:i+j], "*")
		name := item[i+j+2:]
		if recv == "" || name == "" {
			return bad()
		}
		return entry{pkg: item[:i], recv: recv, name: name}, nil
	}
	dot := strings.Index(item[slash+1:], ".")
	if dot < 0 {
		return bad()
	}
	dot += slash + 1
	pkg, rest := item[:dot], item[dot+1:]
	parts := strings.Split(rest, ".")
	switch {
	case pkg == "" || rest == "":
		return bad()
	case len(parts) == 1:
		return entry{pkg: pkg, name: parts[0]}, nil
	case len(parts) == 2 && parts[0] != "" && parts[1] != "":
		return entry{pkg: pkg, recv: parts[0], name: parts[1]}, nil
	}
	return bad()
}
