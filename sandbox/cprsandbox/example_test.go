package cprsandbox_test

import (
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
