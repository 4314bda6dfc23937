package bindaddr

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/dashvet/dashvet/analyzers/internal/rerun"
)

// This file answers "which addresses may this expression hold", on SSA:
// the constants that flow into it through locals assigned on any path,
// package variables and struct fields (every store the package makes),
// the results of the package's own functions (their parameters bound to
// the call's arguments), net.JoinHostPort's host, fmt.Sprintf's constant
// start, and the defaults of command-line flags and of environment
// variables read with a fallback. A candidate is only the constant start
// of the address ("localhost:" of "localhost:" + port).

// candidate is one address an expression may hold.
type candidate struct {
	addr string
	// env is the environment variable whose absence selects addr
	// (addr := os.Getenv("ADDR"); if addr == "" { addr = "localhost:8501" }).
	env string
	// flag is the command-line flag addr is the default of.
	flag string
}

// maxDepth bounds the calls followed into the package's functions,
// maxVisit the values on one path of a question, and maxWork all the
// values a question visits: the same value is visited again under
// another binding or another path, and chains of if/else that each
// extend the same value would otherwise make the work exponential.
const (
	maxDepth = 4
	maxVisit = 256
	maxWork  = 4096
)

// resolver answers the question for one package.
type resolver struct {
	pkg  *ssa.Package
	info *types.Info
	// stores are the values stored, anywhere in the package, to each
	// package variable and to each field of each struct type.
	stores map[any][]ssa.Value
	// flagVars are the package variables and locals given to
	// flag.StringVar, with the flag's name and default.
	flagVars map[ssa.Value]candidate
}

type fieldKey struct {
	st *types.Struct
	i  int
}

func newResolver(pkg *ssa.Package, info *types.Info) *resolver {
	r := &resolver{pkg: pkg, info: info, stores: map[any][]ssa.Value{}, flagVars: map[ssa.Value]candidate{}}
	for _, fn := range functions(pkg) {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case *ssa.Store:
					if k := storeKey(in.Addr); k != nil {
						r.stores[k] = append(r.stores[k], in.Val)
					}
				case *ssa.Call:
					// flag.StringVar(&addr, "addr", "localhost:8501", usage)
					if isFunc(in.Call.StaticCallee(), "flag", "StringVar") && len(in.Call.Args) == 4 {
						name, _ := constString(in.Call.Args[1])
						def, ok := constString(in.Call.Args[2])
						if ok {
							r.flagVars[in.Call.Args[0]] = candidate{addr: def, flag: name}
						}
					}
				}
			}
		}
	}
	return r
}

// functions returns the package's functions and the literals in them.
func functions(pkg *ssa.Package) []*ssa.Function {
	var out []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		out = append(out, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	for _, m := range pkg.Members {
		switch m := m.(type) {
		case *ssa.Function:
			add(m)
		case *ssa.Type:
			for _, sel := range []*types.MethodSet{pkg.Prog.MethodSets.MethodSet(m.Type()), pkg.Prog.MethodSets.MethodSet(types.NewPointer(m.Type()))} {
				for i := range sel.Len() {
					if fn := pkg.Prog.MethodValue(sel.At(i)); fn != nil && fn.Pkg == pkg && fn.Synthetic == "" {
						add(fn)
					}
				}
			}
		}
	}
	return out
}

// storeKey names the location an address stores to, when it is a package
// variable or a struct field.
func storeKey(addr ssa.Value) any {
	switch a := addr.(type) {
	case *ssa.Global:
		return a
	case *ssa.FieldAddr:
		if st := rerun.StructOf(a.X.Type()); st != nil {
			return fieldKey{st, a.Field}
		}
	}
	return nil
}

// exprValues returns the candidates of e, an expression of the package:
// its constant value, or those of its SSA value.
func (r *resolver) exprValues(files []*ast.File, e ast.Expr) []candidate {
	if tv, ok := r.info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return []candidate{{addr: constant.StringVal(tv.Value)}}
	}
	for _, f := range files {
		if f.FileStart > e.Pos() || e.Pos() >= f.FileEnd {
			continue
		}
		path, _ := astutil.PathEnclosingInterval(f, e.Pos(), e.End())
		fn := ssa.EnclosingFunction(r.pkg, path)
		if fn == nil {
			return nil
		}
		v, isAddr := fn.ValueForExpr(e)
		if v == nil || isAddr {
			return nil
		}
		q := &question{r: r, seen: map[ssa.Value]bool{}}
		return q.values(v, nil, 0)
	}
	return nil
}

// question is one exprValues question: what it has visited.
type question struct {
	r    *resolver
	seen map[ssa.Value]bool
	work int
}

// binding maps the parameters of a function followed from a call to the
// call's arguments, in the caller's own binding.
type binding struct {
	args   map[*ssa.Parameter]ssa.Value
	caller *binding
}

func (q *question) values(v ssa.Value, b *binding, depth int) []candidate {
	if v == nil || q.seen[v] || len(q.seen) > maxVisit || q.work > maxWork {
		return nil
	}
	q.work++
	q.seen[v] = true
	defer delete(q.seen, v) // the same value under another binding is another question
	switch v := v.(type) {
	case *ssa.Const:
		if s, ok := constString(v); ok {
			return []candidate{{addr: s}}
		}
	case *ssa.BinOp:
		if v.Op == token.ADD {
			return q.values(v.X, b, depth) // the constant start of a concatenation
		}
	case *ssa.ChangeType:
		return q.values(v.X, b, depth)
	case *ssa.Convert:
		return q.values(v.X, b, depth)
	case *ssa.Phi:
		return q.either(v.Edges, b, depth)
	case *ssa.Parameter:
		if b != nil {
			if a, ok := b.args[v]; ok {
				return q.values(a, b.caller, depth)
			}
		}
	case *ssa.Call:
		return q.callValues(v.Call, 0, b, depth)
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return q.callValues(call.Call, v.Index, b, depth)
		}
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return q.loaded(v.X, b, depth)
		}
	}
	return nil
}

// loaded returns the candidates of a load from addr.
func (q *question) loaded(addr ssa.Value, b *binding, depth int) []candidate {
	if c, ok := q.r.flagVars[addr]; ok {
		return []candidate{c}
	}
	switch a := addr.(type) {
	case *ssa.Call:
		// addr := flag.String("addr", "localhost:8501", usage); *addr
		if isFunc(a.Call.StaticCallee(), "flag", "String") && len(a.Call.Args) == 3 {
			name, _ := constString(a.Call.Args[0])
			if def, ok := constString(a.Call.Args[1]); ok {
				return []candidate{{addr: def, flag: name}}
			}
		}
		return nil
	case *ssa.UnOp:
		// A pointer kept in a variable (var admin = flag.String(...);
		// *admin): a load through every pointer stored there.
		if a.Op != token.MUL {
			return nil
		}
		k := storeKey(a.X)
		if k == nil {
			return nil
		}
		var out []candidate
		for _, p := range q.r.stores[k] {
			out = append(out, q.loaded(p, nil, depth)...)
		}
		return out
	case *ssa.Alloc:
		// A local the compiler kept in memory: every value stored to it.
		var out []candidate
		for _, ref := range *a.Referrers() {
			if st, ok := ref.(*ssa.Store); ok && st.Addr == a {
				out = append(out, q.values(st.Val, b, depth)...)
			}
		}
		return out
	}
	k := storeKey(addr)
	if k == nil {
		return nil
	}
	if g, ok := k.(*ssa.Global); ok && g.Pkg != q.r.pkg {
		return nil // stored to in another package
	}
	var out []candidate
	for _, s := range q.r.stores[k] {
		out = append(out, q.values(s, nil, depth)...)
	}
	return out
}

// callValues returns the candidates of result i of a call.
func (q *question) callValues(c ssa.CallCommon, i int, b *binding, depth int) []candidate {
	callee := c.StaticCallee()
	switch {
	case callee == nil:
		return nil
	case isFunc(callee, "net", "JoinHostPort") && len(c.Args) == 2:
		return q.values(c.Args[0], b, depth)
	case isFunc(callee, "fmt", "Sprintf") && len(c.Args) == 2:
		return q.sprintf(c.Args[0], c.Args[1], b, depth)
	case callee.Pkg != q.r.pkg || callee.Blocks == nil || depth >= maxDepth:
		return nil
	}
	args := map[*ssa.Parameter]ssa.Value{}
	for j, p := range callee.Params {
		if j < len(c.Args) {
			args[p] = c.Args[j]
		}
	}
	var results []ssa.Value
	for _, blk := range callee.Blocks {
		if ret, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.Return); ok && i < len(ret.Results) {
			results = append(results, ret.Results[i])
		}
	}
	return q.either(results, &binding{args: args, caller: b}, depth+1)
}

// either returns the candidates of a value that is one of vals (the edges
// of a phi, the results of a function's returns). When one of them reads
// an environment variable, the others are its fallback: they hold only
// when it is unset.
func (q *question) either(vals []ssa.Value, b *binding, depth int) []candidate {
	var out []candidate
	env := ""
	for _, x := range vals {
		if name := q.envRead(x, b); name != "" {
			env = name
			continue
		}
		out = append(out, q.values(x, b, depth)...)
	}
	if env != "" {
		for i := range out {
			if out[i].env == "" && out[i].flag == "" {
				out[i].env = env
			}
		}
	}
	return out
}

// sprintf returns the candidates of fmt.Sprintf(format, args...): the
// format's constant start ("127.0.0.1:%d"), or, for a format starting
// with %s or %v, the first argument's.
func (q *question) sprintf(format, args ssa.Value, b *binding, depth int) []candidate {
	f, ok := constString(format)
	if !ok {
		return nil
	}
	if strings.HasPrefix(f, "%s") || strings.HasPrefix(f, "%v") {
		if first := firstVariadic(args); first != nil {
			return q.values(first, b, depth)
		}
		return nil
	}
	if i := strings.IndexByte(f, '%'); i >= 0 {
		f = f[:i]
	}
	return []candidate{{addr: f}}
}

// firstVariadic returns the first value of a variadic ...any slice the
// builder made in place, unwrapped from its interface.
func firstVariadic(args ssa.Value) ssa.Value {
	sl, ok := args.(*ssa.Slice)
	if !ok {
		return nil
	}
	arr, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	for _, ref := range *arr.Referrers() {
		ia, ok := ref.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		if k, ok := ia.Index.(*ssa.Const); !ok || k.Int64() != 0 {
			continue
		}
		for _, r := range *ia.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
				if mi, ok := st.Val.(*ssa.MakeInterface); ok {
					return mi.X
				}
				return st.Val
			}
		}
	}
	return nil
}

// envRead returns the name of the environment variable v reads
// (os.Getenv(name), the value of os.LookupEnv(name)), or "".
func (q *question) envRead(v ssa.Value, b *binding) string {
	var c *ssa.CallCommon
	switch x := v.(type) {
	case *ssa.Call:
		c = &x.Call
	case *ssa.Extract:
		if call, ok := x.Tuple.(*ssa.Call); ok && x.Index == 0 {
			c = &call.Call
		}
	}
	if c == nil || len(c.Args) == 0 {
		return ""
	}
	callee := c.StaticCallee()
	if fn := callee; fn != nil && fn.Pkg != nil && fn.Pkg.Pkg.Path() == "strings" && strings.HasPrefix(fn.Name(), "Trim") || isFunc(callee, "strings", "ToLower") {
		return q.envRead(c.Args[0], b) // strings.TrimSpace(os.Getenv("ADDR"))
	}
	if !isFunc(callee, "os", "Getenv") && !isFunc(callee, "os", "LookupEnv") {
		return ""
	}
	if len(c.Args) != 1 {
		return ""
	}
	arg := c.Args[0]
	for b != nil {
		p, ok := arg.(*ssa.Parameter)
		if !ok {
			break
		}
		if arg, ok = b.args[p]; !ok {
			return ""
		}
		b = b.caller
	}
	name, _ := constString(arg)
	return name
}

// isFunc reports whether fn is the package-level function pkg.name.
func isFunc(fn *ssa.Function, pkg, name string) bool {
	if fn == nil || fn.Signature.Recv() != nil || fn.Name() != name {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	return ok && obj.Pkg() != nil && obj.Pkg().Path() == pkg
}

func constString(v ssa.Value) (string, bool) {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c.Value), true
}
