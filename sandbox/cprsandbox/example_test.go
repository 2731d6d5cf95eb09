package cprsandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cprtestdata/cprtestdata/sandbox/cprsandbox"
)

// Start the sandbox for a test, move its clock on and list the change extracts it published.
func ExampleRun() {
	ctx := context.Background()
	ctr, err := cprsandbox.Run(ctx, cprsandbox.DefaultImage, cprsandbox.WithSeed(1), cprsandbox.WithPersons(1000))
	defer func() {
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			log.Print(err)
		}
	}()
	if err != nil {
		log.Print(err)
		return
	}
	published, err := ctr.AdvanceClock(ctx, 2)
	if err != nil {
		log.Print(err)
		return
	}
	for _, e := range published {
		fmt.Println(e.Name, e.Kind, "previous production", e.PreviousProductionDate)
	}
	// Output:
	// D260102.L900001 change previous production 2026-01-01
	// D260103.L900001 change previous production 2026-01-02
}

// Ask for a death tomorrow and see it in the next change extract.
func ExampleContainer_ForceEvents() {
	ctx := context.Background()
	ctr, err := cprsandbox.Run(ctx, cprsandbox.DefaultImage, cprsandbox.WithSeed(1), cprsandbox.WithPersons(1000))
	defer func() {
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			log.Print(err)
		}
	}()
	if err != nil {
		log.Print(err)
		return
	}
	events, err := ctr.ForceEvents(ctx, "death", 1)
	if err != nil {
		log.Print(err)
		return
	}
	published, err := ctr.AdvanceClock(ctx, 1)
	if err != nil {
		log.Print(err)
		return
	}
	data, err := ctr.Download(ctx, published[0])
	if err != nil {
		log.Print(err)
		return
	}
	died := bytes.Contains(data, []byte("099"+events[0].Number)) && bytes.Contains(data, []byte("A21"))
	fmt.Println(events[0].Kind, "on", events[0].Date, "delivered:", died)
	// Output:
	// death on 2026-01-02 delivered: true
}
