package rerun

import (
	"go/ast"

	"go/types"
	"golang.org/x/tools/go/types/typeutil"
	"strings"
)

// DashPath is the import path of the runtime whose API the analyzers
// recognise, by type identity.
const DashPath = "github.com/dashvet/dashvet/dash"

// IsDashPackage reports whether p is package dash or one of its
// subpackages. Calls into them never reach a sink: the runtime's own I/O
// is not per-rerun work of the app.
func IsDashPackage(p *types.Package) bool {
	return p != nil && (p.Path() == DashPath || strings.HasPrefix(p.Path(), DashPath+"/"))
}

// DashFunc reports whether fn is the function or method name of package
// dash; recv is its receiver type name ("" for a function).
func DashFunc(fn *types.Func, recv, name string) bool {
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == DashPath &&
		fn.Name() == name && recvName(fn) == recv
}

// IsUI reports whether t is *dash.UI.
func IsUI(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Name() == "UI" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == DashPath
}

// HasUIParam reports whether sig has a *dash.UI parameter: such a function
// is a rerun entry point.
func HasUIParam(sig *types.Signature) bool {
	if sig == nil {
		return false
	}
	for v := range sig.Params().Variables() {
		if IsUI(v.Type()) {
			return true
		}
	}
	return false
}

// triggerWidgets are the UI methods that return true in exactly one run
// after a click; the rest of the widgets keep their value across reruns.
var triggerWidgets = map[string]bool{
	"Button": true, "SubmitButton": true, "DownloadButton": true,
	"FormSubmitButton": true, "LinkButton": true,
}

// IsTrigger reports whether fn is a trigger widget method of *dash.UI.
func IsTrigger(fn *types.Func) bool {
	if fn == nil || !triggerWidgets[fn.Name()] || fn.Pkg() == nil || fn.Pkg().Path() != DashPath || recvName(fn) != "UI" {
		return false
	}
	sig := fn.Type().(*types.Signature)
	return sig.Results().Len() >= 1 && types.Identical(sig.Results().At(0).Type(), types.Typ[types.Bool])
}

// cacheConstructors create a dash cache; each starts empty.
var cacheConstructors = map[string]bool{"CacheData": true, "CacheResource": true, "CacheSingleton": true}

// IsCacheConstructor reports whether fn is dash.CacheData, CacheResource or
// CacheSingleton.
func IsCacheConstructor(fn *types.Func) bool {
	return fn != nil && cacheConstructors[fn.Name()] && fn.Pkg() != nil && fn.Pkg().Path() == DashPath && recvName(fn) == ""
}

// runsOffPath reports whether function literals given to fn run off the
// rerun path: in package dash on a cache miss, a hit validation, an
// eviction or a change (but (*UI).Spinner runs its function there and
// then, while the spinner shows); once per process through (*sync.Once).Do; per
// request for an HTTP handler; later for time.AfterFunc. (sync.OnceFunc and
// OnceValue are not included: called in the app, they make a new once on
// every rerun.) Literals given to other callees whose bodies are out of
// sight are taken to run.
func runsOffPath(fn *types.Func) bool {
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	recv := recvName(fn)
	switch fn.Pkg().Path() {
	case DashPath:
		return !IsSpinner(fn)
	case "sync":
		return isOnceDo(fn)
	case "net/http":
		return (recv == "" || recv == "ServeMux") && (fn.Name() == "Handle" || fn.Name() == "HandleFunc")
	case "time":
		return recv == "" && fn.Name() == "AfterFunc"
	}
	return false
}

// isOnceDo reports whether fn is (*sync.Once).Do.
func isOnceDo(fn *types.Func) bool {
	return fn.Pkg() != nil && fn.Pkg().Path() == "sync" && recvName(fn) == "Once" && fn.Name() == "Do"
}

// IsSpinner reports whether fn is (*dash.UI).Spinner, which runs the
// function it is given before it returns.
func IsSpinner(fn *types.Func) bool { return DashFunc(fn, "UI", "Spinner") }

// IsOnChange reports whether fn is dash.OnChange.
func IsOnChange(fn *types.Func) bool { return DashFunc(fn, "", "OnChange") }

// Callee returns the function or method called by call, or nil for calls
// of function values, builtins and conversions.
func Callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}
