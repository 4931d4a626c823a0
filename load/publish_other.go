//go:build !linux

package load

import (
	"context"
	"os"
)

// writeCopy writes src's contents to a new file tmp through the page cache and syncs it.
func writeCopy(ctx context.Context, src *os.File, tmp string) error {
	return writeBuffered(ctx, src, tmp)
}
