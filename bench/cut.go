package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// cutCSV writes the header and records from..from+n of a one-line-per-record CSV file to
// dst, streaming; it returns how many it wrote.
func cutCSV(src, dst string, from, n int64) (int64, error) {
	return cut(src, dst, '\n', true, from, n)
}

// cutMLLP writes framed messages from..from+n (0x0B … 0x1C 0x0D) of an MLLP capture.
func cutMLLP(src, dst string, from, n int64) (int64, error) {
	return cut(src, dst, 0x1c, false, from, n)
}

// cut copies the units ending in end (and, for MLLP, the carriage return after it).
func cut(src, dst string, end byte, header bool, from, n int64) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, err
	}
	out, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(out)
	r := bufio.NewReaderSize(in, 1<<20)
	unit := func() ([]byte, error) {
		b, err := r.ReadBytes(end)
		if err == nil && end == 0x1c {
			if c, err := r.ReadByte(); err == nil {
				b = append(b, c)
			}
		}
		return b, err
	}
	if header {
		h, err := unit()
		if err != nil {
			out.Close()
			return 0, fmt.Errorf("cut %s: header: %w", src, err)
		}
		w.Write(h)
	}
	var wrote int64
	for i := int64(0); wrote < n; i++ {
		b, err := unit()
		if err == io.EOF {
			if len(bytes.TrimSpace(b)) > 0 && i >= from {
				w.Write(b)
				wrote++
			}
			break
		}
		if err != nil {
			out.Close()
			return wrote, fmt.Errorf("cut %s: %w", src, err)
		}
		if i >= from {
			w.Write(b)
			wrote++
		}
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return wrote, err
	}
	return wrote, out.Close()
}
