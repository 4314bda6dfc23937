package bindaddr

import (
	"os"
	"path/filepath"
	"testing"
)

// TestManifestName: a manifest in or below the package directory is named
// from there; one at the module root, from the root, not as ../../...
func TestManifestName(t *testing.T) {
	root := t.TempDir()
	pkg := filepath.Join(root, "apps", "sales", "cmd", "salesdash")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(pkg, "Dockerfile"), "Dockerfile"},
		{filepath.Join(pkg, "k8s", "app.yaml"), "k8s/app.yaml"},
		{filepath.Join(root, "Dockerfile"), "the module root's Dockerfile"},
		{filepath.Join(root, "deploy", "app.yaml"), "the module root's deploy/app.yaml"},
	} {
		if got := manifestName(pkg, tc.path); got != tc.want {
			t.Errorf("manifestName(%s) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
