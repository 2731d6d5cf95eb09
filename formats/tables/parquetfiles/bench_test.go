package parquetfiles

import (
	"io"
	"testing"
)

// BenchmarkWriter measures writing persons as Parquet (generation excluded: persons are made first).
func BenchmarkWriter(b *testing.B) {
	ps := population(b, 20000, 1)
	b.ResetTimer()
	for b.Loop() {
		w, err := NewWriter(func(string) (io.Writer, error) { return io.Discard, nil }, nil, Zstd)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			if err := w.Write(p); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
}
