//go:build !linux

package load

import (
	"context"
	"io/fs"
	"os"
)

// keepSpare: elsewhere there is no portable way to tell whether a reader has a copy open,
// so every publication is a whole copy and no spare is kept.
const keepSpare = false

func spareFree(*os.File) (bool, error) { return false, nil }

func openDirect(string) *os.File { return nil }

func fileStamp(fs.FileInfo) (stamp, bool) { return stamp{}, false }

// writeCopy writes src's contents to a new file tmp through the page cache and syncs it.
func writeCopy(ctx context.Context, src *os.File, tmp string) error {
	return writeBuffered(ctx, src, tmp)
}
