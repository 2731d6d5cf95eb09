package generator_test

import (
	"context"
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator"
)

// Generate streams the population; the manifest says which persons carry each scenario.
func ExampleGenerate() {
	cfg := generator.Config{Persons: 1000, Seed: 1}
	n := 0
	m, err := generator.Generate(context.Background(), cfg, func(p *generator.Person) error {
		if n < 3 {
			fmt.Println(p.Number, p.Status.Active(), p.BirthDate, p.Gender, p.Name.Addressing)
		}
		n++
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Made, "persons")
	for _, s := range m.Scenarios {
		if s.Name == "no-control-digit" {
			fmt.Println(s.Name, s.Persons[0].Number, s.Persons[0].Kind)
		}
	}
	// Output:
	// 0101640001 true 1964-01-01 M Jakub Weaver
	// 2404780029 false 1978-04-24 M Marco Steen Andersen
	// 2612540058 false 1954-12-26 K Helle Nilausen
	// 1000 persons
	// no-control-digit 0101640001 no-control-digit
}

// Scenarios lists the catalogue of edge cases.
func ExampleScenarios() {
	for _, s := range generator.Scenarios()[:3] {
		fmt.Printf("%s: %d instance(s) of %d person(s)\n", s.Name, s.Quota, s.Persons)
	}
	// Output:
	// no-control-digit: 3 instance(s) of 1 person(s)
	// born-1800s: 3 instance(s) of 1 person(s)
	// century-1899-1900: 2 instance(s) of 2 person(s)
}

// A timeline: Run with Days hands over each day's deliveries, the persons touched with their events.
func ExampleRun() {
	cfg := generator.Config{Persons: 1000, Seed: 1, Days: 3}
	_, err := generator.Run(context.Background(), cfg, generator.Handler{
		Change: func(c *generator.Change) error {
			for _, e := range c.Events {
				fmt.Println(c.Date, c.Person.Number, generator.StatusCode(c.Person.Status), e.Code+e.Derived)
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// 2026-01-04 3112570038 01 A01
	// 2026-01-04 0101580059 01 A01
}

// A Clock steps the timeline one day at a time and keeps the population as it is on the current day.
func ExampleClock() {
	clock, err := generator.NewClock(context.Background(), generator.Config{Persons: 2000, Seed: 1})
	if err != nil {
		panic(err)
	}
	for range 3 {
		day, err := clock.Step(context.Background())
		if err != nil {
			panic(err)
		}
		fmt.Println("day", clock.Day(), len(day), "persons delivered;", len(clock.Persons()), "persons")
	}
	// Output:
	// day 1 0 persons delivered; 2000 persons
	// day 2 0 persons delivered; 2000 persons
	// day 3 5 persons delivered; 2000 persons
}
