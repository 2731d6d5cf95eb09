// Package generator makes a deterministic synthetic population of Danish residents and former residents
// - family groups with consistent links, addresses and histories, and a guaranteed quota of every edge
// case (see Scenarios) - and, when asked, moves it forward day by day.
//
// What determines the output: Config's Persons, Seed, AsOf, Scenarios, Substitutes, Days, Weekdays and
// SafeNumbers, and DataVersion.
// The same values give the same persons, changes and manifest, byte for byte, whatever Workers is, in
// whatever Shard they are made (the shards together are the whole), and the first k days of a timeline
// are the same however many days are asked for. The clock is never read.
//
// Generate streams the population as of AsOf; Run adds the timeline's daily changes (Change, Event) and
// the persons at its end; Clock steps the timeline one day at a time in memory. Numbers follow CPR's
// rules and allocation order (package pnr); dates are civil.Date.
package generator
