package diffscope

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// RepoRoot returns the top-level directory of the git work tree containing
// dir.
func RepoRoot(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return filepath.Clean(strings.TrimSpace(string(out))), nil
}

// FromRev returns the lines added or changed in the work tree of the git
// repository containing dir since rev (a commit, branch, tag or merge base).
// Untracked files that git does not ignore count as wholly new: they are
// part of the change even before they are added.
func FromRev(ctx context.Context, dir, rev string) (*Scope, error) {
	root, err := RepoRoot(ctx, dir)
	if err != nil {
		return nil, err
	}
	// Resolve rev first so a typo is reported as such, not as a diff error.
	if _, err := git(ctx, root, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%q is not a commit in %s", rev, root)
	}
	// --no-ext-diff and --no-color keep user configuration from changing
	// the format; -U0 lists exactly the changed lines; "--" separates the
	// revision from paths.
	diff, err := git(ctx, root, "diff", "--no-ext-diff", "--no-color", "--src-prefix=a/", "--dst-prefix=b/", "-U0", rev, "--")
	if err != nil {
		return nil, err
	}
	scope, err := Parse(bytes.NewReader(diff), root)
	if err != nil {
		return nil, fmt.Errorf("parsing git diff %s: %w", rev, err)
	}
	untracked, err := git(ctx, root, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	for name := range bytes.SplitSeq(untracked, []byte{0}) {
		if len(name) > 0 {
			scope.AddWhole(filepath.Join(root, filepath.FromSlash(string(name))))
		}
	}
	return scope, nil
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	// core.quotePath=false keeps non-ASCII names readable; names with
	// control characters are still quoted and Parse unquotes them.
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.quotePath=false"}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s (in %s): %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
