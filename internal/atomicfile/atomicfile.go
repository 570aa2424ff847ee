// Package atomicfile writes files so that a reader never sees a half-written one.
//
// The data go to a temporary file in the destination's directory, which is
// synced to disk and then renamed over the destination. A crash at any point
// leaves either the old file or the new one, never a mixture.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write calls fill with a writer on a temporary file beside path and, if fill
// succeeds, syncs the file and renames it to path. On any error the temporary
// file is removed and path is left untouched.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("atomicfile: cannot create a temporary file beside %q (check that the directory exists and is writable): %w", path, err)
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("atomicfile: chmod %q: %w", name, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("atomicfile: sync %q: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("atomicfile: close %q: %w", name, err)
	}
	if err = os.Rename(name, path); err != nil {
		return fmt.Errorf("atomicfile: rename to %q: %w", path, err)
	}
	// Make the rename itself durable; failure here does not undo the write.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteBytes writes b to path atomically.
func WriteBytes(path string, b []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
