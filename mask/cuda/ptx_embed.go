//go:build cuda && cgo

package cuda

import _ "embed"

//go:embed kernels.ptx
var embeddedPTX string
