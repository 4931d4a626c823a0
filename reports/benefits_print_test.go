package reports

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// The page prints on A4 in headless Chromium (its @page rule), every page. Skipped without
// chromium unless CCARE_REQUIRE_TOOLS=1.
func TestBenefitsPagePrintsOnA4(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CCARE_REQUIRE_TOOLS") == "1" {
			t.Fatal("chromium is not installed and CCARE_REQUIRE_TOOLS=1")
		}
		t.Skip("chromium is not installed (set CCARE_REQUIRE_TOOLS=1 to fail instead)")
	}
	conn := testWarehouse(t, "warehouse.sql", "benefits.sql")
	dir := t.TempDir()
	paths, _, err := WriteBenefits(context.Background(), conn, dir, benefitsInfo(t, exact))
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "benefits.pdf")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdf, "file://"+paths[0])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(data, -1)
	if len(boxes) < 2 {
		t.Fatalf("%d pages in the PDF, want at least 2", len(boxes))
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		// A4 is 210 × 297 mm = 595.3 × 841.9 points.
		if w < 594 || w > 596.5 || h < 841 || h > 843 {
			t.Errorf("page %.1f × %.1f points, want A4 (595.3 × 841.9)", w, h)
		}
	}
}
