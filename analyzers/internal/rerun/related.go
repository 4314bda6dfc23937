package rerun

import (
	"fmt"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// Finding is the diagnostic of a chain finding at site s of entry e: the
// message "entry → … → sink: what happens; fix" and the chain's functions as
// related information. uncachedcall and rerunresource differ only in the
// chain they report and the fix they advise.
func (r *Result) Finding(e *Entry, s *Site, c *Chain, fix string) analysis.Diagnostic {
	return analysis.Diagnostic{
		Pos:     s.Pos,
		End:     s.End,
		Message: fmt.Sprintf("%s: %s; %s", r.Chain(e, c), c.Describe(), fix),
		Related: r.Related(c),
	}
}

// Related returns the declarations of the functions along chain c, as
// related information for a finding: SARIF viewers and editors show them as
// the steps of the chain, so a reader can walk from the reported call to
// the query. The last step, the catalogued call itself (a method of
// database/sql, say), is left out: its declaration explains nothing.
//
// Steps are data (facts cross package boundaries), so each is looked up by
// package path and name among the packages this one can see; a step that
// cannot be found, or whose object has no position, is skipped.
func (r *Result) Related(c *Chain) []analysis.RelatedInformation {
	if c == nil || len(c.Steps) < 2 {
		return nil
	}
	pkgs := visiblePackages(r.Pkg)
	var out []analysis.RelatedInformation
	for i, s := range c.Steps[:len(c.Steps)-1] {
		obj := s.lookup(pkgs)
		if obj == nil || !obj.Pos().IsValid() {
			continue
		}
		rel := analysis.RelatedInformation{
			Pos:     obj.Pos(),
			Message: fmt.Sprintf("step %d of the chain: %s", i+1, s.Format(r.Pkg)),
		}
		// Positions from export data may carry only the line; an end is
		// given only for names in this package's own syntax.
		if obj.Pkg() == r.Pkg {
			rel.End = obj.Pos() + token.Pos(len(obj.Name()))
		}
		out = append(out, rel)
	}
	return out
}

// visiblePackages maps the import paths of pkg and everything it imports,
// transitively as far as the type checker loaded them, to their packages.
func visiblePackages(pkg *types.Package) map[string]*types.Package {
	seen := map[string]*types.Package{}
	var walk func(p *types.Package)
	walk = func(p *types.Package) {
		if p == nil || seen[p.Path()] != nil {
			return
		}
		seen[p.Path()] = p
		for _, imp := range p.Imports() {
			walk(imp)
		}
	}
	walk(pkg)
	return seen
}

// lookup finds the function, method or type a step names.
func (s Step) lookup(pkgs map[string]*types.Package) types.Object {
	p := pkgs[s.PkgPath]
	if p == nil {
		return nil
	}
	if s.Literal {
		return p.Scope().Lookup(s.Name)
	}
	if s.Recv == "" {
		return p.Scope().Lookup(s.Name)
	}
	tn, ok := p.Scope().Lookup(s.Recv).(*types.TypeName)
	if !ok {
		return nil
	}
	var t types.Type = tn.Type()
	if s.Ptr {
		t = types.NewPointer(t)
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, p, s.Name)
	return obj
}
