# The two commands a newcomer needs are `make video` and `make test`; each sets
# the machine up first when anything is missing (see tools/setup.sh).
VENV := .venv
BIN  := $(VENV)/bin
QUALITY ?= h

.PHONY: setup video test bench clean

setup:
	@sh tools/setup.sh

video: setup
	$(BIN)/lecture build -q $(QUALITY)

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m lecture.bench $(BENCH_ARGS)

clean:
	rm -rf media
