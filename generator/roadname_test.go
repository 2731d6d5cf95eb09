package generator

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRoadAddressingName follows CPR's abbreviations in the reference's sample.
func TestRoadAddressingName(t *testing.T) {
	for _, tt := range []struct{ road, want string }{
		{"Skovvej", "Skovvej"},
		{"Gammel Færgegårdsvej", "Gammel Færgegårdsvej"}, // 20: as it is
		{"Martin Christensens Vej", "M. Christensens Vej"},
		{"Johannes V. Jensens Stræde", "J. V. Jensens Stræde"},
		{"Borgmester Christiansens Gade", "B. Christiansens G"},
		{"Abcdefghijklmnopqrstuvwxyz", "Abcdefghijklmnopqrst"}, // one word: cut, the last resort
	} {
		if got := RoadAddressingName(tt.road); got != tt.want {
			t.Errorf("RoadAddressingName(%q) = %q, want %q", tt.road, got, tt.want)
		}
	}
}

// TestRoadNames checks the world's roads: one name per road code, Danish endings at the reference's
// shares, and VEJADRNVN never cut mid-word.
func TestRoadNames(t *testing.T) {
	w, err := loadWorld()
	if err != nil {
		t.Fatal(err)
	}
	vej, all := 0, 0
	for _, m := range w.munis {
		seen := map[string]bool{}
		for _, r := range m.roads {
			all++
			if seen[r] {
				t.Fatalf("municipality %04d has two roads named %q", m.code, r)
			}
			seen[r] = true
			if strings.HasSuffix(r, "vej") || strings.HasSuffix(r, " Vej") {
				vej++
			}
			if strings.Contains(r, "  ") || strings.HasSuffix(r, " ") || cutRoad(r) ||
				utf8.RuneCountInString(RoadAddressingName(r)) > 20 {
				t.Fatalf("municipality %04d: road %q (VEJADRNVN %q)", m.code, r, RoadAddressingName(r))
			}
		}
	}
	// The reference's sample: 39% of distinct road names end in -vej.
	if share := float64(vej) / float64(all); share < 0.3 || share > 0.55 {
		t.Errorf("%.0f%% of road names end in -vej, the reference's sample 39%%", 100*share)
	}
}
