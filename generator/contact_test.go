package generator

import (
	"context"
	"testing"
)

// TestContactAddresses checks record 006's model: about contactShare in a hundred of the emigrated and
// disappeared have a contact address of up to five lines that fit the record, from the day they left;
// no one else has one, at the start or after a year of the timeline (a return, a finding or a death
// ends it).
func TestContactAddresses(t *testing.T) {
	check := func(when string, p *Person) (gone, with bool) {
		c := p.ContactAddress
		gone = (p.Status == StatusEmigrated || p.Status == StatusDisappeared) && len(p.Scenarios) == 0
		if c == nil {
			return gone, false
		}
		if !gone && len(p.Scenarios) == 0 {
			t.Fatalf("%s: %s of status %s has a contact address", when, p.Number, StatusCode(p.Status))
		}
		left := p.Disappeared
		if p.Emigration != nil {
			left = p.Emigration.Date
		}
		if len(c.Lines) == 0 || len(c.Lines) > 5 || c.Start != left {
			t.Fatalf("%s: %s's contact address %+v, left on %s", when, p.Number, c, left)
		}
		for _, l := range c.Lines {
			if n := len([]rune(l)); n == 0 || n > contactLineWidth {
				t.Fatalf("%s: %s's contact address line %q", when, p.Number, l)
			}
		}
		return gone, true
	}
	var gone, with int
	_, err := Run(context.Background(), Config{Persons: 20000, Seed: 9, Days: 365}, Handler{
		Person: func(p *Person, _ []byte) error {
			g, w := check("start", p)
			if g {
				gone++
			}
			if w {
				with++
			}
			return nil
		},
		Final: func(p *Person) error { check("end", p); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if share := float64(with) / float64(gone); gone < 100 || share < 0.25 || share > 0.45 {
		t.Errorf("%d of %d emigrated and disappeared have a contact address; want about %d%%", with, gone, contactShare)
	}
}
