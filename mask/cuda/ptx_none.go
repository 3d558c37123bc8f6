//go:build !cuda || !cgo

package cuda

// embeddedPTX is empty without CUDA: nothing loads it (see ptx_embed.go).
var embeddedPTX string
