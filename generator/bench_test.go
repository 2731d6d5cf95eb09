package generator

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// BenchmarkGenerate measures making the in-memory model. Its size is CPRTESTDATA_BENCH_PERSONS
// (default 1,000,000); scripts/bench-generate.sh runs it at 10 million under /usr/bin/time for the peak
// memory.
func BenchmarkGenerate(b *testing.B) {
	persons := 1_000_000
	if s := os.Getenv("CPRTESTDATA_BENCH_PERSONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		persons = n
	}
	b.Run(fmt.Sprintf("persons=%d", persons), func(b *testing.B) {
		for b.Loop() {
			n := 0
			_, err := Generate(context.Background(), Config{Persons: persons}, func(*Person) error { n++; return nil })
			if err != nil || n != persons {
				b.Fatalf("%d persons, %v", n, err)
			}
		}
		b.ReportMetric(float64(persons)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
	})
}

// BenchmarkTimeline measures the model with a year of timeline: CPRTESTDATA_BENCH_PERSONS persons
// (default 100,000) moved on 365 days, every change handed over and dropped. scripts/bench-model.sh runs
// it against an earlier revision on the same machine.
func BenchmarkTimeline(b *testing.B) {
	persons := 100_000
	if s := os.Getenv("CPRTESTDATA_BENCH_PERSONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		persons = n
	}
	b.Run(fmt.Sprintf("persons=%d/days=365", persons), func(b *testing.B) {
		for b.Loop() {
			changes := 0
			_, err := Run(context.Background(), Config{Persons: persons, Days: 365}, Handler{
				Change: func(*Change) error { changes++; return nil },
			})
			if err != nil || changes == 0 {
				b.Fatalf("%d changes, %v", changes, err)
			}
		}
		b.ReportMetric(float64(persons)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
	})
}
