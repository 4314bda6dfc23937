package rerun

import (
	"go/types"
	"strings"
)

// Step is one function of a call chain, kept as data rather than text so
// that it is qualified relative to the package a message is written for.
type Step struct {
	PkgPath string // "" for an entry named by the analysed package's syntax
	PkgName string
	Recv    string // receiver type name, "" for a function
	Ptr     bool   // pointer receiver
	Name    string // function or method name; the type name for a literal
	Literal bool   // a composite literal such as &http.Client{}
}

func stepOf(fn *types.Func) Step {
	s := Step{Name: fn.Name()}
	if fn.Pkg() != nil {
		s.PkgPath, s.PkgName = fn.Pkg().Path(), fn.Pkg().Name()
	}
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		_, s.Ptr = types.Unalias(sig.Recv().Type()).(*types.Pointer)
		s.Recv = recvName(fn)
	}
	return s
}

func literalStep(n *types.Named) Step {
	s := Step{Name: n.Obj().Name(), Literal: true}
	if p := n.Obj().Pkg(); p != nil {
		s.PkgPath, s.PkgName = p.Path(), p.Name()
	}
	return s
}

// Format renders s as Go readers write it, qualified unless it belongs to
// package from: loadSales, store.LoadOrders, (*sql.DB).QueryContext,
// http.Client{}.
func (s Step) Format(from *types.Package) string {
	qual := ""
	if s.PkgPath != "" && (from == nil || s.PkgPath != from.Path()) {
		qual = s.PkgName + "."
	}
	switch {
	case s.Literal:
		return qual + s.Name + "{}"
	case s.Recv == "":
		return qual + s.Name
	case s.Ptr:
		return "(*" + qual + s.Recv + ")." + s.Name
	default:
		return qual + s.Recv + "." + s.Name
	}
}

// Chain is a call chain ending at a sink or resource constructor. Steps
// start at the function the chain belongs to (for a fact: the first callee
// after the fact's function) and end at the catalogued call.
type Chain struct {
	Steps []Step
	Kind  Kind
}

// prepend returns a new chain with s in front.
func (c *Chain) prepend(s Step) *Chain {
	if c == nil {
		return nil
	}
	steps := make([]Step, 0, len(c.Steps)+1)
	steps = append(steps, s)
	steps = append(steps, c.Steps...)
	return &Chain{Steps: steps, Kind: c.Kind}
}

// First is the first step, the callee named at the reported call.
func (c *Chain) First() Step { return c.Steps[0] }

// Direct reports whether the chain is the catalogued call alone.
func (c *Chain) Direct() bool { return len(c.Steps) == 1 }

// Format renders the chain from package from, joined by arrows.
func (c *Chain) Format(from *types.Package) string {
	parts := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		parts[i] = s.Format(from)
	}
	return strings.Join(parts, " → ")
}

// shorter reports whether a should replace b as the chain to report: the
// shortest chain explains the problem best, and a sink beats a file read.
func shorter(a, b *Chain) bool {
	if a == nil {
		return false
	}
	if b == nil {
		return true
	}
	if (a.Kind == KindFile) != (b.Kind == KindFile) {
		return b.Kind == KindFile
	}
	return len(a.Steps) < len(b.Steps)
}

// FuncFact is exported for every exported function or method that reaches
// a sink or constructs a resource outside a cache, so that calls to it from
// other packages are judged like calls to the catalogue. Its chains start
// after the function itself.
type FuncFact struct {
	Query    *Chain
	Resource *Chain
}

// AFact implements analysis.Fact.
func (*FuncFact) AFact() {}

func (f *FuncFact) String() string {
	var parts []string
	if f.Query != nil {
		parts = append(parts, "query: "+f.Query.Format(nil))
	}
	if f.Resource != nil {
		parts = append(parts, "resource: "+f.Resource.Format(nil))
	}
	return "reaches(" + strings.Join(parts, "; ") + ")"
}

// PackageFact marks a package that exports at least one FuncFact, so that
// a package importing none of them and no catalogued package can be
// skipped at once.
type PackageFact struct{}

// AFact implements analysis.Fact.
func (*PackageFact) AFact() {}

func (*PackageFact) String() string { return "reachesSinks" }
