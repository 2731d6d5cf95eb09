package extract

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// TestDaySpool writes days interleaved, past the memory bound so that they spill, and reads each back.
func TestDaySpool(t *testing.T) {
	const days = 5
	s, err := NewDaySpool(days, 0) // 4 KB a day in memory
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := make([]bytes.Buffer, days)
	for i := 0; i < 3000; i++ {
		day := 1 + (i*7)%days
		chunk := []byte(fmt.Sprintf("day %d chunk %d;", day, i))
		if err := s.Write(day, chunk); err != nil {
			t.Fatal(err)
		}
		want[day-1].Write(chunk)
	}
	for day := 1; day <= days; day++ {
		r, err := s.Reader(day)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[day-1].Bytes()) || s.Len(day) != int64(len(got)) {
			t.Errorf("day %d: read %d bytes (Len %d), wrote %d", day, len(got), s.Len(day), want[day-1].Len())
		}
	}
	if len(s.days[0].secs) == 0 {
		t.Error("nothing spilled: the test does not exercise the temporary file")
	}
	if err := s.Write(days+1, []byte("x")); err == nil {
		t.Error("a day past the spool's days was accepted")
	}
}
