package copyable_test

import (
	"testing"

	"github.com/dashvet/dashvet/dash/copyable"
	"github.com/dashvet/dashvet/dash/copyable/internal/typetable"
)

func sharedFaces(c typetable.SharedCase) (name string) {
	if c.Key {
		return "CheckSharedKey"
	}
	return "CheckShared"
}

func checkShared(t *testing.T, face string, c typetable.SharedCase, p *copyable.Problem) {
	t.Helper()
	if c.WantType == "" {
		if p != nil {
			t.Errorf("%s: %s: want accepted, got %v", face, c.Alias, p)
		}
		return
	}
	if p == nil {
		t.Errorf("%s: %s: want problem %q at %q, got accepted", face, c.Alias, c.WantType, c.WantPath)
		return
	}
	if p.Path != c.WantPath || p.Type != c.WantType {
		t.Errorf("%s: %s: got Path %q Type %q, want %q %q", face, c.Alias, p.Path, p.Type, c.WantPath, c.WantType)
	}
	if p.Reason == "" {
		t.Errorf("%s: %s: problem without a reason", face, c.Alias)
	}
}

func TestSharedRuleReflectMatchesTable(t *testing.T) {
	for _, c := range typetable.SharedCases {
		p := copyable.CheckSharedReflect(c.Type)
		if c.Key {
			p = copyable.CheckSharedKeyReflect(c.Type)
		}
		checkShared(t, sharedFaces(c)+"Reflect", c, p)
	}
}

// Whatever the copy rule refuses, the shared rule refuses with the same
// Problem: the shared tier only adds refusals.
func TestSharedRuleExtendsCopyRule(t *testing.T) {
	for _, c := range typetable.Cases {
		copyP := copyable.CheckReflect(c.Type)
		if copyP == nil {
			continue
		}
		for face, p := range map[string]*copyable.Problem{
			"CheckSharedReflect":    copyable.CheckSharedReflect(c.Type),
			"CheckSharedKeyReflect": copyable.CheckSharedKeyReflect(c.Type),
		} {
			if p == nil || *p != *copyP {
				t.Errorf("%s: %s: got %v, want the copy rule's %v", face, c.Alias, p, copyP)
			}
		}
	}
}

func TestSharedRuleTypesMatchesReflect(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks a package with go/packages, which runs the go command")
	}
	pkg := loadTypetable(t)
	for _, c := range typetable.SharedCases {
		obj := pkg.Scope().Lookup(c.Alias)
		if obj == nil {
			t.Errorf("%s: no such alias in package typetable", c.Alias)
			continue
		}
		static, dynamic := copyable.CheckSharedTypes(obj.Type()), copyable.CheckSharedReflect(c.Type)
		if c.Key {
			static, dynamic = copyable.CheckSharedKeyTypes(obj.Type()), copyable.CheckSharedKeyReflect(c.Type)
		}
		checkShared(t, sharedFaces(c)+"Types", c, static)
		if (static == nil) != (dynamic == nil) || (static != nil && *static != *dynamic) {
			t.Errorf("%s: types face %v, reflect face %v disagree", c.Alias, static, dynamic)
		}
	}
	// The copy rule's cases too: both faces of the shared rule agree on
	// every one of them.
	for _, c := range typetable.Cases {
		static := copyable.CheckSharedTypes(pkg.Scope().Lookup(c.Alias).Type())
		dynamic := copyable.CheckSharedReflect(c.Type)
		if (static == nil) != (dynamic == nil) || (static != nil && *static != *dynamic) {
			t.Errorf("%s: CheckSharedTypes %v, CheckSharedReflect %v disagree", c.Alias, static, dynamic)
		}
	}
}
