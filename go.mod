module github.com/gramc/gramc

go 1.26

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/bits-and-blooms/bitset v1.29.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	gorgonia.org/cu v0.9.6
)

require (
	github.com/google/uuid v1.1.1 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	golang.org/x/text v0.14.0 // indirect
)
