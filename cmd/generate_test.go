package cmd

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedFilesFresh fails when docs/reference, docs/man or completions/
// differ from what the current command tree generates. Fix: make generate.
func TestGeneratedFilesFresh(t *testing.T) {
	fresh := t.TempDir()
	if err := Generate(fresh); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"docs/reference", "docs/man", "completions"} {
		want := readTree(t, filepath.Join(fresh, sub))
		got := readTree(t, filepath.Join("..", sub))
		for name, w := range want {
			g, ok := got[name]
			if !ok {
				t.Errorf("%s/%s is missing; run `make generate` and commit", sub, name)
			} else if !bytes.Equal(g, w) {
				t.Errorf("%s/%s is stale; run `make generate` and commit", sub, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s/%s is no longer generated; run `make generate` and commit", sub, name)
			}
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}
