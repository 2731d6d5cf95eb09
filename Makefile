# make image: the sandbox's container image, cprtestdata/sandbox:dev, built FROM scratch from a static
# binary, with no registry access. make test: the README's test command.
IMAGE   ?= cprtestdata/sandbox:dev
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
BUILD   := sandbox/build

.PHONY: image test clean

image:
	rm -rf $(BUILD) && mkdir -p $(BUILD)/sandbox
	cp -r sandbox/rootfs $(BUILD)/sandbox/
	cp LICENSE NOTICE $(BUILD)/
	CGO_ENABLED=0 go build -trimpath -buildvcs=auto -ldflags "-s -w -X main.version=$(VERSION)" -o $(BUILD)/testdata ./cmd/testdata
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) -f sandbox/Dockerfile $(BUILD)

test:
	go test ./... ./cmd/testdata

clean:
	rm -rf $(BUILD)
