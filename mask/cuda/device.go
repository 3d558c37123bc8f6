//go:build cuda && cgo

package cuda

/*
#cgo LDFLAGS: -lcuda -ldl
#include <dlfcn.h>
#include <stddef.h>
#include <cuda.h>

#ifndef RTLD_NEXT
#define RTLD_NEXT ((void *)-1l)
#endif

// gorgonia.org/cu's package init calls cuInit and os.Exit(1)s when it
// fails, so a binary importing it could not even print a message on a
// machine whose driver is unusable. The constructor below runs the
// driver's cuInit before any Go code and records the result; cuInit itself
// is interposed (the executable's definition wins over libcuda's) to
// report success to cu's init, and Open reports the real result as a clean
// error instead. Without libcuda.so.1 at all the dynamic loader refuses to
// start the binary: use a build without the cuda tag there.
static CUresult gramc_init_status = CUDA_ERROR_NOT_INITIALIZED;
static int gramc_init_ran = 0;

static void gramc_init_driver(void) {
	if (gramc_init_ran) return;
	gramc_init_ran = 1;
	CUresult (*real_init)(unsigned int) = (CUresult (*)(unsigned int))dlsym(RTLD_NEXT, "cuInit");
	if (real_init == NULL) {
		gramc_init_status = CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND;
		return;
	}
	gramc_init_status = real_init(0);
}

__attribute__((constructor)) static void gramc_probe_driver(void) { gramc_init_driver(); }

CUresult CUDAAPI cuInit(unsigned int flags) {
	(void)flags;
	gramc_init_driver();
	return CUDA_SUCCESS;
}

static int gramc_driver_status(void) {
	gramc_init_driver();
	return (int)gramc_init_status;
}

static const char *gramc_error_string(int r) {
	const char *s = NULL;
	if (cuGetErrorString((CUresult)r, &s) != CUDA_SUCCESS) return NULL;
	return s;
}

static CUresult gramc_host_alloc(void **p, size_t n) { return cuMemHostAlloc(p, n, CU_MEMHOSTALLOC_PORTABLE); }
static CUresult gramc_host_free(void *p) { return cuMemFreeHost(p); }
*/
import "C"

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sort"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// Built reports whether this binary was built with CUDA support.
const Built = true

// driverError describes a CUresult.
func driverError(r int) string {
	names := map[int]string{
		1: "CUDA_ERROR_INVALID_VALUE", 2: "CUDA_ERROR_OUT_OF_MEMORY", 3: "CUDA_ERROR_NOT_INITIALIZED",
		34: "CUDA_ERROR_STUB_LIBRARY (the link-time stub libcuda was loaded, not the driver's)",
		35: "CUDA_ERROR_INSUFFICIENT_DRIVER", 100: "CUDA_ERROR_NO_DEVICE", 101: "CUDA_ERROR_INVALID_DEVICE",
		218: "CUDA_ERROR_INVALID_PTX", 222: "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
		303: "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND", 999: "CUDA_ERROR_UNKNOWN",
	}
	name := names[r]
	if name == "" {
		name = fmt.Sprintf("CUresult %d", r)
	}
	if s := C.gramc_error_string(C.int(r)); s != nil && r != 34 {
		return name + ": " + C.GoString(s)
	}
	return name
}

// Available reports whether a device can be opened (nil) or why not.
func Available() error {
	if st := int(C.gramc_driver_status()); st != 0 {
		return fmt.Errorf("%w: cuInit failed: %s", ErrNoDevice, driverError(st))
	}
	n, err := cu.NumDevices()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: the driver sees no GPU", ErrNoDevice)
	}
	if _, _, err := PTX(); err != nil {
		return err
	}
	return nil
}

// Device is one GPU's primary context with the kernels loaded and a
// stream. Its methods may be called from any goroutine; they serialize.
type Device struct {
	mu     sync.Mutex
	dev    cu.Device
	ctx    cu.CUContext
	mod    cu.Module
	fn     map[string]cu.Function
	stream cu.Stream
	info   Info
	closed bool
}

// Open opens GPU ordinal: it retains the device's primary context (so
// device pointers from other libraries in this process work), loads the
// PTX (the driver compiles it for the GPU), and makes a stream.
func Open(ordinal int) (*Device, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	src, origin, _ := PTX()
	n, _ := cu.NumDevices()
	if ordinal < 0 || ordinal >= n {
		return nil, fmt.Errorf("%w: device %d requested, the driver sees %d", ErrNoDevice, ordinal, n)
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	ctx, err := dev.RetainPrimaryCtx()
	if err != nil {
		return nil, fmt.Errorf("%w: retaining the primary context: %v", ErrNoDevice, err)
	}
	d := &Device{dev: dev, ctx: ctx, fn: map[string]cu.Function{}}
	release := d.enter()
	defer release()
	if d.mod, err = cu.LoadData(src); err != nil {
		dev.ReleasePrimaryCtx()
		return nil, fmt.Errorf("loading the PTX (%s): %v (a driver older than the PTX's ISA? rebuild with scripts/build-ptx.sh)", origin, err)
	}
	for _, name := range KernelNames() {
		f, err := d.mod.Function(name)
		if err != nil {
			d.mod.Unload()
			dev.ReleasePrimaryCtx()
			return nil, fmt.Errorf("%w: kernel %s: %v", ErrPTXNotBuilt, name, err)
		}
		d.fn[name] = f
	}
	if d.stream, err = cu.MakeStream(cu.NonBlocking); err != nil {
		d.mod.Unload()
		dev.ReleasePrimaryCtx()
		return nil, fmt.Errorf("making a stream: %v", err)
	}
	d.info.Ordinal = ordinal
	d.info.Name, _ = dev.Name()
	d.info.SMs, _ = dev.Attribute(cu.MultiprocessorCount)
	d.info.L2Bytes, _ = dev.Attribute(cu.L2CacheSize)
	d.info.MemBytes, _ = dev.TotalMem()
	if major, minor, err := dev.ComputeCapability(); err == nil {
		d.info.CC = fmt.Sprintf("%d.%d", major, minor)
	}
	d.info.Driver = cu.Version()
	d.info.PTX = origin
	if origin == "embedded kernels.ptx" {
		d.info.PTX += " (" + PTXInfo() + ")"
	}
	return d, nil
}

// enter locks the device for the calling goroutine and makes its context
// current on the goroutine's (locked) OS thread.
func (d *Device) enter() func() {
	d.mu.Lock()
	goruntime.LockOSThread()
	cu.SetCurrentContext(d.ctx)
	return func() {
		goruntime.UnlockOSThread()
		d.mu.Unlock()
	}
}

// Info describes the device.
func (d *Device) Info() Info { return d.info }

// Close releases the stream, the module and the primary context.
func (d *Device) Close() error {
	release := d.enter()
	defer release()
	if d.closed {
		return nil
	}
	d.closed = true
	d.stream.Synchronize()
	d.stream.Destroy()
	d.mod.Unload()
	return d.dev.ReleasePrimaryCtx()
}

// sync waits for the stream; kernel faults surface here.
func (d *Device) sync() error {
	if err := d.stream.Synchronize(); err != nil {
		return fmt.Errorf("GPU stream: %v", err)
	}
	return nil
}

// alloc allocates device memory (at least 16 bytes, 16-byte aligned).
func (d *Device) alloc(n int64) (cu.DevicePtr, error) {
	p, err := cu.MemAlloc(max(n, 16))
	if err != nil {
		return 0, fmt.Errorf("allocating %d MiB on the GPU: %v", n>>20, err)
	}
	return p, nil
}

// free releases device memory (0 is ignored).
func free(p cu.DevicePtr) {
	if p != 0 {
		cu.MemFree(p)
	}
}

// pinned is page-locked host memory (cuMemHostAlloc), for async copies.
type pinned struct {
	p unsafe.Pointer
	n int
}

func (d *Device) allocHost(n int) (pinned, error) {
	var p unsafe.Pointer
	if r := C.gramc_host_alloc(&p, C.size_t(max(n, 16))); r != C.CUDA_SUCCESS {
		return pinned{}, fmt.Errorf("allocating %d MiB of pinned host memory: %s", n>>20, driverError(int(r)))
	}
	return pinned{p: p, n: n}, nil
}

func (h *pinned) free() {
	if h.p != nil {
		C.gramc_host_free(h.p)
		h.p = nil
	}
}

func (h pinned) u32s() []uint32 { return unsafe.Slice((*uint32)(h.p), h.n/4) }
func (h pinned) i32s() []int32  { return unsafe.Slice((*int32)(h.p), h.n/4) }
func (h pinned) u64s() []uint64 { return unsafe.Slice((*uint64)(h.p), h.n/8) }
func (h pinned) f32s() []float32 {
	return unsafe.Slice((*float32)(h.p), h.n/4)
}
func (h pinned) u16s() []uint16 { return unsafe.Slice((*uint16)(h.p), h.n/2) }

// at is the host address off bytes into h.
func (h pinned) at(off int) unsafe.Pointer { return unsafe.Add(h.p, off) }

// h2d copies n bytes from pinned host memory to the device, on the stream.
func (d *Device) h2d(dst cu.DevicePtr, src unsafe.Pointer, n int64) error {
	if n == 0 {
		return nil
	}
	if err := cu.MemcpyHtoDAsync(dst, src, n, d.stream); err != nil {
		return fmt.Errorf("copy to GPU (%d bytes): %v", n, err)
	}
	return nil
}

// d2h copies n bytes from the device to pinned host memory, on the stream.
func (d *Device) d2h(dst unsafe.Pointer, src cu.DevicePtr, n int64) error {
	if n == 0 {
		return nil
	}
	if err := cu.MemcpyDtoHAsync(dst, src, n, d.stream); err != nil {
		return fmt.Errorf("copy from GPU (%d bytes): %v", n, err)
	}
	return nil
}

// launch launches kernel name on the stream.
func (d *Device) launch(name string, gx, gy, block int, args Args) error {
	fn, ok := d.fn[name]
	if !ok {
		return fmt.Errorf("%w: no kernel %s", ErrPTXNotBuilt, name)
	}
	ptrs := make([]unsafe.Pointer, len(args))
	for i := range args {
		ptrs[i] = unsafe.Pointer(&args[i])
	}
	if err := fn.Launch(gx, gy, 1, block, 1, 1, 0, d.stream, ptrs); err != nil {
		return fmt.Errorf("launching %s (grid %dx%d): %v", name, gx, gy, err)
	}
	return nil
}

// launchApply launches apply_<dt> over nrows rows (rows: device int32 list
// or 0 for 0..nrows-1).
func (d *Device) launchApply(lg Logits, width, real int, mask cu.DevicePtr, maskStride int, rows cu.DevicePtr, nrows int, compact bool) error {
	if nrows == 0 {
		return nil
	}
	g := ApplyGeometry(nrows, width)
	return d.launch(applyKernel(lg.DType), g.Grid, 1, g.Block,
		applyArgs(lg, width, real, uintptr(mask), maskStride, uintptr(rows), nrows, compact))
}

// sampleBufs are the device buffers of the sampling kernels.
type sampleBufs struct {
	partials, counters, out cu.DevicePtr
	partialsCap, rows       int
}

func (d *Device) newSampleBufs(rows, width int) (sampleBufs, error) {
	var b sampleBufs
	var err error
	b.partialsCap, b.rows = MaxPartials(rows, width), rows
	if b.partials, err = d.alloc(int64(b.partialsCap) * 8); err != nil {
		return b, err
	}
	if b.counters, err = d.alloc(int64(rows) * 4); err != nil {
		b.free()
		return b, err
	}
	if err = cu.MemsetD32(b.counters, 0, int64(rows)); err != nil {
		b.free()
		return b, fmt.Errorf("clearing counters: %v", err)
	}
	if b.out, err = d.alloc(int64(rows) * 4); err != nil {
		b.free()
		return b, err
	}
	return b, nil
}

func (b *sampleBufs) free() {
	free(b.partials)
	free(b.counters)
	free(b.out)
	*b = sampleBufs{}
}

// launchSample launches the sampling kernel p selects over rows rows.
func (d *Device) launchSample(lg Logits, rows, width, real int, mask cu.DevicePtr, maskStride int,
	mrows, seeds, pos cu.DevicePtr, p SampleParams, b *sampleBufs) error {
	g, err := SampleGeometry(rows, width, lg.DType, p, d.info.SMs)
	if err != nil {
		return err
	}
	if rows > b.rows || g.Partials > b.partialsCap {
		return fmt.Errorf("%w: sampling workspace for %d rows, %d slots; need %d rows, %d", ErrShape, b.rows, b.partialsCap, rows, g.Partials)
	}
	return d.launch(sampleKernel(lg.DType, g.Mode), g.Splits, rows, g.Block,
		sampleArgs(lg, width, real, uintptr(mask), maskStride, uintptr(mrows), uintptr(seeds), uintptr(pos),
			p, g, uintptr(b.partials), uintptr(b.counters), uintptr(b.out)))
}

// launchRandom fills rows rows of lg with random logits.
func (d *Device) launchRandom(lg Logits, width, rows int, seqs, pos cu.DevicePtr, modelSeed uint64, biasIDs cu.DevicePtr, nbias int, bias float32) error {
	groups := int64((width+3)/4) * int64(rows)
	grid := int(min((groups+BlockThreads-1)/BlockThreads, 1<<16))
	return d.launch(randomKernel(lg.DType), grid, 1, BlockThreads,
		randomArgs(lg, width, rows, uintptr(seqs), uintptr(pos), modelSeed, uintptr(biasIDs), nbias, bias))
}

// timer measures stream work with CUDA events, queued behind a GPU sleep
// so that the host's launch cost stays out of the figures.
type timer struct {
	d      *Device
	events []cu.Event
}

func (d *Device) newTimer(reps int) (*timer, error) {
	t := &timer{d: d}
	for range reps + 1 {
		ev, err := cu.MakeEvent(cu.DefaultEvent)
		if err != nil {
			t.close()
			return nil, fmt.Errorf("making an event: %v", err)
		}
		t.events = append(t.events, ev)
	}
	return t, nil
}

func (t *timer) close() {
	for i := range t.events {
		cu.DestroyEvent(&t.events[i])
	}
	t.events = nil
}

// median runs op reps times (reps = len(events)-1) and returns the median
// time of one run in microseconds.
func (t *timer) median(op func() error) (float64, error) {
	d := t.d
	reps := len(t.events) - 1
	sleep := Args{}.U64(uint64(max(5_000_000, reps*40_000))) // ns
	if err := d.launch(sleepKernel, 1, 1, 1, sleep); err != nil {
		return 0, err
	}
	if err := t.events[0].Record(d.stream); err != nil {
		return 0, err
	}
	for i := range reps {
		if err := op(); err != nil {
			return 0, err
		}
		if err := t.events[i+1].Record(d.stream); err != nil {
			return 0, err
		}
	}
	if err := d.sync(); err != nil {
		return 0, err
	}
	us := make([]float64, reps)
	for i := range reps {
		ms, err := t.events[i].Elapsed(t.events[i+1])
		if err != nil {
			return 0, err
		}
		us[i] = ms * 1000
	}
	sort.Float64s(us)
	return us[reps/2], nil
}

var errClosed = errors.New("gramc: the CUDA device is closed")
