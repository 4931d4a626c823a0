package load

import (
	"slices"
	"testing"
)

func TestSupersede(t *testing.T) {
	files := func(rows ...int64) []Extract {
		var fs []Extract
		for i, n := range rows {
			fs = append(fs, Extract{FileID: int64(10 + i), Name: string(rune('a' + i)), RowsRead: n})
		}
		return fs
	}
	for _, tt := range []struct {
		name        string
		rows        []int64
		guard       float64
		wantCurrent int
		wantHeld    []int64 // file ids
	}{
		{"no files", nil, 0.5, -1, nil},
		{"one file", []int64{100}, 0.5, 0, nil},
		{"the latest supersedes", []int64{100, 101}, 0.5, 1, nil},
		{"a smaller community still supersedes", []int64{100, 50}, 0.5, 1, nil},
		{"an empty extract is held", []int64{100, 0}, 0.5, 0, []int64{11}},
		{"a truncated extract is held", []int64{100, 49}, 0.5, 0, []int64{11}},
		{"a later whole extract supersedes the held one", []int64{100, 10, 98}, 0.5, 2, nil},
		{"held ones compare with the current, not each other", []int64{100, 10, 20}, 0.5, 0, []int64{11, 12}},
		{"no guard", []int64{100, 0}, 0, 1, nil},
		{"from nothing, anything supersedes", []int64{0, 3}, 0.5, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			current, held := Supersede(files(tt.rows...), tt.guard)
			var heldIDs []int64
			for _, h := range held {
				heldIDs = append(heldIDs, h.FileID)
			}
			if current != tt.wantCurrent || !slices.Equal(heldIDs, tt.wantHeld) {
				t.Errorf("current %d, held %v; want %d, %v", current, heldIDs, tt.wantCurrent, tt.wantHeld)
			}
		})
	}
}
