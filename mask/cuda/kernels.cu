// gramc GPU kernels: apply a token bitmask to logits, fused masked
// sampling, random logits for the built-in test model.
//
// The CPU reference in ref.go, detmath.go and philox.go defines every
// result; these kernels must give the same bits and token ids. All
// floating-point arithmetic that feeds a result uses the _rn intrinsics
// (no contraction into FMA; build with -fmad=false as well) and constants
// given as bit patterns.
//
// Every kernel parameter is 64 bits wide: gorgonia.org/cu copies 8 bytes
// per argument (floats travel in the low half of an unsigned long long).
//
// Bitmask: XGrammar's layout, int32 words, bit t%32 of word t/32 (LSB
// first), 1 = allowed. Ids >= real are padding and always disallowed.
//
// Build: go generate ./mask/cuda (scripts/build-ptx.sh), which runs
//   nvcc -ptx -arch=sm_80 -O3 -fmad=false -std=c++17 -o kernels.ptx kernels.cu

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned long long u64;
typedef long long i64;

#define BLOCK 256       // threads per block (BlockThreads)
#define NWARPS (BLOCK / 32)
#define APPLY_CHUNK 1024 // tokens per warp item in apply (ApplyChunk)
#define KMAX 256         // largest top-k (KMax)
#define CAND_CAP 4096    // candidate slots per block (CandCap)
#define SALT_GUMBEL 0x47554D42u
#define SALT_TOPK 0x544F504Bu
#define MAX_BIAS 8

#define F(bits) __uint_as_float(bits##u)

// ---------------------------------------------------------------------------
// Deterministic arithmetic (mirrors detmath.go)

__device__ __forceinline__ float fmul(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ float fadd(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ float fsub(float a, float b) { return __fsub_rn(a, b); }
__device__ __forceinline__ float fdiv(float a, float b) { return __fdiv_rn(a, b); }

struct u32x4 { u32 x[4]; };

// Philox4x32-10 (Random123): counter (c0..c3), key (k0, k1).
__device__ __forceinline__ u32x4 philox(u32 c0, u32 c1, u32 c2, u32 c3, u32 k0, u32 k1) {
#pragma unroll
  for (int i = 0; i < 10; i++) {
    if (i > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    u32 hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
    u32 hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
    u32 n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
  }
  u32x4 r;
  r.x[0] = c0; r.x[1] = c1; r.x[2] = c2; r.x[3] = c3;
  return r;
}

// ln(x) for positive normal x (detLn).
__device__ __forceinline__ float det_ln(float x) {
  u32 b = __float_as_uint(x);
  int e = (int)((b >> 23) & 0xFFu) - 127;
  float m = __uint_as_float((b & 0x007FFFFFu) | 0x3F800000u);
  if (m > F(0x3FB504F3)) { m = __uint_as_float(__float_as_uint(m) - 0x00800000u); e += 1; }
  float t = fdiv(fsub(m, 1.0f), fadd(m, 1.0f));
  float t2 = fmul(t, t);
  float p = fadd(fmul(t2, F(0x3DE38E39)), F(0x3E124925));
  p = fadd(fmul(t2, p), F(0x3E4CCCCD));
  p = fadd(fmul(t2, p), F(0x3EAAAAAB));
  p = fadd(fmul(t2, p), 1.0f);
  float lnm = fmul(fmul(2.0f, t), p);
  return fadd(fmul((float)e, F(0x3F317218)), lnm);
}

// ((r>>9)*2+1) * 2^-24, exactly (uniform24).
__device__ __forceinline__ float uniform24(u32 r) {
  u32 q = ((r >> 9) << 1) | 1u;
  return fmul((float)q, F(0x33800000));
}

// l*c - log2(-ln U) (gumbelScore).
__device__ __forceinline__ float gumbel_score(float l, float c, u32 r) {
  float e = -det_ln(uniform24(r));
  return fsub(fmul(l, c), fmul(det_ln(e), F(0x3FB8AA3B)));
}

// 2^d in 32.32 fixed point, d <= 0 (detExp2Fixed).
__device__ __forceinline__ u64 det_exp2_fixed(float d) {
  if (!(d > -64.0f)) return 0;
  float nd = -d;
  float fl = floorf(nd);
  int n = (int)fl;
  float f = fsub(nd, fl);
  float y = fmul(f, -F(0x3F317218));
  float p = F(0x3638EF1D);
  p = fadd(fmul(p, y), F(0x37D00D01));
  p = fadd(fmul(p, y), F(0x39500D01));
  p = fadd(fmul(p, y), F(0x3AB60B61));
  p = fadd(fmul(p, y), F(0x3C088889));
  p = fadd(fmul(p, y), F(0x3D2AAAAB));
  p = fadd(fmul(p, y), F(0x3E2AAAAB));
  p = fadd(fmul(p, y), F(0x3F000000));
  p = fadd(fmul(p, y), F(0x3F800000));
  p = fadd(fmul(p, y), F(0x3F800000));
  u64 w = (u64)fmul(p, F(0x4F800000));
  return w >> n;
}

// Float order as unsigned order; NaN -> 0 (orderKey).
__device__ __forceinline__ u32 order_key(float v) {
  if (v != v) return 0u;
  u32 b = __float_as_uint(v);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

__device__ __forceinline__ float key_value(u32 k) {
  return __uint_as_float((k & 0x80000000u) ? (k ^ 0x80000000u) : ~k);
}

__device__ __forceinline__ u64 pack(u32 key, u32 id) { return ((u64)key << 32) | (u64)(~id); }

__device__ __forceinline__ int packed_id(u64 p) { return (int)(~(u32)p); }

// ---------------------------------------------------------------------------
// Element types: 16-byte vectors of VEC elements, converted to float.

__device__ __forceinline__ float h2f(u16 h) {
  float f;
  asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
  return f;
}
__device__ __forceinline__ u16 f2h(float f) {
  u16 h;
  asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
  return h;
}
__device__ __forceinline__ float bf2f(u16 h) { return __uint_as_float(((u32)h) << 16); }
__device__ __forceinline__ u16 f2bf(float f) {  // F32ToBF16
  u32 b = __float_as_uint(f);
  if ((b & 0x7FFFFFFFu) > 0x7F800000u) return (u16)((b >> 16) | 0x40u);
  return (u16)((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16);
}

struct TF32 {
  typedef u32 S;  // storage
  enum { VEC = 4 };
  static __device__ __forceinline__ float to_f(S s) { return __uint_as_float(s); }
  static __device__ __forceinline__ S from_f(float f) { return __float_as_uint(f); }
  static __device__ __forceinline__ S ninf() { return 0xFF800000u; }
};
struct TF16 {
  typedef u16 S;
  enum { VEC = 8 };
  static __device__ __forceinline__ float to_f(S s) { return h2f(s); }
  static __device__ __forceinline__ S from_f(float f) { return f2h(f); }
  static __device__ __forceinline__ S ninf() { return (u16)0xFC00u; }
};
struct TBF16 {
  typedef u16 S;
  enum { VEC = 8 };
  static __device__ __forceinline__ float to_f(S s) { return bf2f(s); }
  static __device__ __forceinline__ S from_f(float f) { return f2bf(f); }
  static __device__ __forceinline__ S ninf() { return (u16)0xFF80u; }
};

// A 16-byte vector viewed as VEC storage elements.
template <typename T>
struct Vec16 {
  union { uint4 u; typename T::S s[T::VEC]; };
};

// ---------------------------------------------------------------------------
// Apply: one warp per (row, 1024-token chunk); lane i loads mask word i of
// the chunk and the lanes exchange words with shuffles. Fully allowed
// vectors are skipped, fully disallowed ones stored without a load, mixed
// ones loaded, blended and stored.

template <typename T>
__device__ __forceinline__ void apply_impl(typename T::S* logits, i64 stride, i64 width, i64 real,
                                           const u32* mask, i64 mask_stride, const int* rows,
                                           i64 nrows, i64 compact) {
  typedef typename T::S S;
  const int VEC = T::VEC;
  const int ITERS = APPLY_CHUNK / VEC / 32;
  const u32 FULL = (VEC == 32) ? 0xFFFFFFFFu : ((1u << VEC) - 1u);
  const i64 chunks = (width + APPLY_CHUNK - 1) / APPLY_CHUNK;
  const i64 items = nrows * chunks;
  const int lane = threadIdx.x & 31;
  const i64 nwarps = ((i64)gridDim.x * BLOCK) >> 5;
  const i64 rl = real < width ? (real > 0 ? real : 0) : width;
  const i64 mwords = (rl + 31) >> 5;
  const S ninf = T::ninf();

  for (i64 it = (((i64)blockIdx.x * BLOCK) + threadIdx.x) >> 5; it < items; it += nwarps) {
    const i64 i = it / chunks;
    const i64 ch = it - i * chunks;
    const i64 r = rows ? (i64)rows[i] : i;
    const i64 mr = compact ? i : r;
    S* lrow = logits + r * stride;
    const i64 c0 = ch * APPLY_CHUNK;
    const i64 wi = (c0 >> 5) + lane;
    u32 word = 0;
    if (wi < mwords) {
      word = mask[mr * mask_stride + wi];
      const i64 lim = rl - (wi << 5);
      if (lim < 32) word &= (1u << lim) - 1u;
    }
    const bool aligned = (((u64)lrow) & 15ull) == 0;
#pragma unroll
    for (int j = 0; j < ITERS; j++) {
      const int f = lane + 32 * j;        // vector within the chunk
      const int first = f * VEC;          // its first token within the chunk
      const u32 w = __shfl_sync(0xFFFFFFFFu, word, first >> 5);
      const u32 bits = (w >> (first & 31)) & FULL;
      const i64 t0 = c0 + first;
      if (t0 >= width || bits == FULL) continue;
      if (aligned && t0 + VEC <= width) {
        Vec16<T> v;
        if (bits == 0) {
#pragma unroll
          for (int e = 0; e < VEC; e++) v.s[e] = ninf;
        } else {
          v.u = *reinterpret_cast<const uint4*>(lrow + t0);
#pragma unroll
          for (int e = 0; e < VEC; e++)
            if (!((bits >> e) & 1u)) v.s[e] = ninf;
        }
        *reinterpret_cast<uint4*>(lrow + t0) = v.u;
      } else {
        for (int e = 0; e < VEC; e++)
          if (t0 + e < width && !((bits >> e) & 1u)) lrow[t0 + e] = ninf;
      }
    }
  }
}

#define APPLY_ENTRY(name, T)                                                                  \
  extern "C" __global__ void __launch_bounds__(BLOCK)                                         \
      name(u64 logits, i64 stride, i64 width, i64 real, u64 mask, i64 mask_stride, u64 rows,  \
           i64 nrows, i64 compact) {                                                          \
    apply_impl<T>((T::S*)logits, stride, width, real, (const u32*)mask, mask_stride,          \
                  (const int*)rows, nrows, compact);                                          \
  }

APPLY_ENTRY(apply_f32, TF32)
APPLY_ENTRY(apply_f16, TF16)
APPLY_ENTRY(apply_bf16, TBF16)

// ---------------------------------------------------------------------------
// Sampling: grid (splits, rows). Block (split, row) covers tokens
// [split*seg, min((split+1)*seg, width)) in tiles of BLOCK*VEC tokens,
// thread i taking the vector at i*VEC of each tile; only vectors with an
// allowed token are loaded. Each block writes its partial result; the last
// block of the row (atomic counter) reduces them and writes the token.

struct RowCtx {
  const u32* mrow;  // mask row, or NULL: unconstrained
  i64 lim;          // ids < lim may be allowed: min(real, segment end)
  u32 k0, k1;       // Philox key (row seed)
  u32 pos;
};

// Allowed bits of the VEC tokens from t0 (t0 % VEC == 0).
template <int VEC>
__device__ __forceinline__ u32 allowed_bits(const RowCtx& rc, i64 t0) {
  if (t0 >= rc.lim) return 0;
  const u32 full = (1u << VEC) - 1u;
  u32 bits = rc.mrow ? ((rc.mrow[t0 >> 5] >> (t0 & 31)) & full) : full;
  const i64 n = rc.lim - t0;
  if (n < VEC) bits &= (1u << n) - 1u;
  return bits;
}

// Loads the allowed elements of the vector at t0 (others are left as is).
template <typename T>
__device__ __forceinline__ void load_vec(const typename T::S* lrow, i64 t0, i64 width, bool aligned,
                                         u32 bits, float* v) {
  if (aligned && t0 + T::VEC <= width) {
    Vec16<T> x;
    x.u = *reinterpret_cast<const uint4*>(lrow + t0);
#pragma unroll
    for (int e = 0; e < T::VEC; e++) v[e] = T::to_f(x.s[e]);
  } else {
#pragma unroll
    for (int e = 0; e < T::VEC; e++)
      if ((bits >> e) & 1u) v[e] = T::to_f(lrow[t0 + e]);
  }
}

__device__ __forceinline__ u64 warp_max(u64 v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    u64 y = __shfl_xor_sync(0xFFFFFFFFu, v, o);
    v = y > v ? y : v;
  }
  return v;
}

// Block-wide max; the result is valid in every thread.
__device__ __forceinline__ u64 block_max(u64 v, u64* sh /* NWARPS + 1 */) {
  v = warp_max(v);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) sh[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < NWARPS ? sh[lane] : 0;
    v = warp_max(v);
    if (lane == 0) sh[NWARPS] = v;
  }
  __syncthreads();
  v = sh[NWARPS];
  __syncthreads();
  return v;
}

// Signals that this block's partials are written; true in the last block
// of the row, which then sees every block's partials.
__device__ __forceinline__ bool last_block(u32* counter, int* flag) {
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) {
    const u32 prev = atomicAdd(counter, 1u);
    *flag = (prev == gridDim.x - 1);
  }
  __syncthreads();
  if (!*flag) return false;
  __threadfence();
  return true;
}

__device__ __forceinline__ RowCtx row_ctx(i64 row, i64 width, i64 real, i64 end, const u32* mask,
                                          i64 mask_stride, const int* mrows, const u64* seeds,
                                          const u32* pos) {
  RowCtx rc;
  rc.mrow = 0;
  if (mask) {
    const i64 mr = mrows ? (i64)mrows[row] : row;
    if (mr >= 0) rc.mrow = mask + mr * mask_stride;
  }
  i64 rl = real < width ? (real > 0 ? real : 0) : width;
  rc.lim = rl < end ? rl : end;
  const u64 seed = seeds ? seeds[row] : 0ull;
  rc.k0 = (u32)seed;
  rc.k1 = (u32)(seed >> 32);
  rc.pos = pos ? pos[row] : 0u;
  return rc;
}

// Greedy (GUMBEL = false) and Gumbel-max (GUMBEL = true).
template <typename T, bool GUMBEL>
__device__ __forceinline__ void sample_argmax(const typename T::S* logits, i64 stride, i64 width,
                                              i64 real, const u32* mask, i64 mask_stride,
                                              const int* mrows, const u64* seeds, const u32* pos,
                                              float c, i64 seg, u64* partials, u32* counters,
                                              int* out) {
  typedef typename T::S S;
  const int VEC = T::VEC;
  const i64 row = blockIdx.y;
  const i64 split = blockIdx.x;
  const i64 start = split * seg;
  const i64 end = start + seg < width ? start + seg : width;
  const S* lrow = logits + row * stride;
  const bool aligned = (((u64)lrow) & 15ull) == 0;
  const RowCtx rc = row_ctx(row, width, real, end, mask, mask_stride, mrows, seeds, pos);

  u64 best = 0;
  for (i64 t0 = start + (i64)threadIdx.x * VEC; t0 < end; t0 += (i64)BLOCK * VEC) {
    const u32 bits = allowed_bits<VEC>(rc, t0);
    if (!bits) continue;
    float v[VEC];
    load_vec<T>(lrow, t0, width, aligned, bits, v);
#pragma unroll
    for (int g = 0; g < VEC / 4; g++) {
      const u32 b4 = (bits >> (4 * g)) & 0xFu;
      if (!b4) continue;
      u32x4 r;
      if (GUMBEL) r = philox((u32)((t0 >> 2) + g), rc.pos, SALT_GUMBEL, 0u, rc.k0, rc.k1);
#pragma unroll
      for (int j = 0; j < 4; j++) {
        if (!((b4 >> j) & 1u)) continue;
        const float s = GUMBEL ? gumbel_score(v[4 * g + j], c, r.x[j]) : v[4 * g + j];
        const u64 k = pack(order_key(s), (u32)(t0 + 4 * g + j));
        best = k > best ? k : best;
      }
    }
  }

  __shared__ u64 sh[NWARPS + 1];
  __shared__ int flag;
  best = block_max(best, sh);
  if (threadIdx.x == 0) partials[row * gridDim.x + split] = best;
  if (!last_block(&counters[row], &flag)) return;
  u64 b = 0;
  for (i64 i = threadIdx.x; i < gridDim.x; i += BLOCK) {
    const u64 p = __ldcg(&partials[row * gridDim.x + i]);
    b = p > b ? p : b;
  }
  b = block_max(b, sh);
  if (threadIdx.x == 0) {
    out[row] = b ? packed_id(b) : -1;
    counters[row] = 0;
  }
}

// k-th largest (1-based) of n >= k unique nonzero keys in buf. All threads
// call it; the result is valid in every thread. Radix select, 8 bits a
// round from the top: a histogram of the next digit among the keys that
// match the prefix found so far, and warp 0 finds the digit holding the
// k-th key.
__device__ u64 kth_largest(const u64* buf, int n, int k, int* hist, u64* sh_prefix, int* sh_rem) {
  if (threadIdx.x == 0) { *sh_prefix = 0; *sh_rem = k; }
  for (int shift = 56; shift >= 0; shift -= 8) {
    hist[threadIdx.x] = 0;  // BLOCK == 256 digits
    __syncthreads();
    const u64 prefix = *sh_prefix;
    const u64 himask = shift == 56 ? 0ull : (~0ull << (shift + 8));
    for (int j = threadIdx.x; j < n; j += BLOCK) {
      const u64 key = buf[j];
      if ((key & himask) == prefix) atomicAdd(&hist[(int)((key >> shift) & 255ull)], 1);
    }
    __syncthreads();
    if (threadIdx.x < 32) {
      const int lane = threadIdx.x;
      const int rem = *sh_rem;
      int cnt[8];
      int s = 0;
#pragma unroll
      for (int q = 0; q < 8; q++) { cnt[q] = hist[255 - 8 * lane - q]; s += cnt[q]; }
      int incl = s;
#pragma unroll
      for (int o = 1; o < 32; o <<= 1) {
        const int y = __shfl_up_sync(0xFFFFFFFFu, incl, o);
        if (lane >= o) incl += y;
      }
      const int excl = incl - s;
      if (excl < rem && rem <= incl) {
        int acc = excl;
        for (int q = 0; q < 8; q++) {
          if (rem <= acc + cnt[q]) {
            *sh_prefix = prefix | ((u64)(255 - 8 * lane - q) << shift);
            *sh_rem = rem - acc;
            break;
          }
          acc += cnt[q];
        }
      }
    }
    __syncthreads();
  }
  return *sh_prefix;
}

struct TopkSmem {
  u64 buf[CAND_CAP];
  u64 top[KMAX];
  int hist[BLOCK];
  u64 prefix;
  u64 thresh;
  int rem;
  int count;
  int topcount;
  int flag;
};

// Keeps the k best of the count keys in s.buf (count > k): they end in
// s.buf[0..k), and s.thresh becomes the k-th best.
__device__ void keep_best(TopkSmem& s, int k) {
  const int n = s.count;
  const u64 tau = kth_largest(s.buf, n, k, s.hist, &s.prefix, &s.rem);
  if (threadIdx.x == 0) s.topcount = 0;
  __syncthreads();
  for (int j = threadIdx.x; j < n; j += BLOCK) {
    const u64 key = s.buf[j];
    if (key >= tau) s.top[atomicAdd(&s.topcount, 1)] = key;
  }
  __syncthreads();
  for (int j = threadIdx.x; j < k; j += BLOCK) s.buf[j] = s.top[j];
  if (threadIdx.x == 0) { s.count = k; s.thresh = tau; }
  __syncthreads();
}

// Top-k / top-p. Each block streams its segment, appending the keys above
// the k-th best so far to a shared buffer and shrinking it to the k best
// whenever another tile might not fit; it writes its k best (zero padded).
// The last block merges the rows' candidates, sorts the k best, and draws.
template <typename T>
__device__ __forceinline__ void sample_topk(const typename T::S* logits, i64 stride, i64 width,
                                            i64 real, const u32* mask, i64 mask_stride,
                                            const int* mrows, const u64* seeds, const u32* pos,
                                            float c, float top_p, i64 k64, i64 seg, u64* partials,
                                            u32* counters, int* out) {
  typedef typename T::S S;
  const int VEC = T::VEC;
  const int TILE = BLOCK * VEC;
  const int k = (int)k64;
  const i64 row = blockIdx.y;
  const i64 split = blockIdx.x;
  const i64 start = split * seg;
  const i64 end = start + seg < width ? start + seg : width;
  const S* lrow = logits + row * stride;
  const bool aligned = (((u64)lrow) & 15ull) == 0;
  const RowCtx rc = row_ctx(row, width, real, end, mask, mask_stride, mrows, seeds, pos);

  __shared__ TopkSmem s;
  if (threadIdx.x == 0) { s.count = 0; s.thresh = 0; }
  __syncthreads();
  for (i64 base = start; base < end; base += TILE) {
    const i64 t0 = base + (i64)threadIdx.x * VEC;
    const u64 thresh = s.thresh;
    const u32 bits = t0 < end ? allowed_bits<VEC>(rc, t0) : 0u;
    if (bits) {
      float v[VEC];
      load_vec<T>(lrow, t0, width, aligned, bits, v);
#pragma unroll
      for (int e = 0; e < VEC; e++) {
        if (!((bits >> e) & 1u)) continue;
        const u64 key = pack(order_key(v[e]), (u32)(t0 + e));
        if (key > thresh) s.buf[atomicAdd(&s.count, 1)] = key;
      }
    }
    __syncthreads();
    const int cnt = s.count;
    __syncthreads();  // every thread has read count before anyone appends again
    if (cnt > CAND_CAP - TILE && cnt > k) keep_best(s, k);
  }
  if (s.count > k) keep_best(s, k);
  const int mine = s.count;
  u64* part = partials + (row * gridDim.x + split) * (i64)k;
  for (int j = threadIdx.x; j < k; j += BLOCK) part[j] = j < mine ? s.buf[j] : 0ull;

  if (!last_block(&counters[row], &s.flag)) return;

  // Merge: the nonzero candidates of every block of the row.
  if (threadIdx.x == 0) s.count = 0;
  __syncthreads();
  const i64 total = (i64)gridDim.x * k;
  const u64* all = partials + row * total;
  for (i64 j = threadIdx.x; j < total; j += BLOCK) {
    const u64 key = __ldcg(&all[j]);
    if (key) s.buf[atomicAdd(&s.count, 1)] = key;
  }
  __syncthreads();
  if (s.count > k) keep_best(s, k);
  const int m = s.count;
  if (m == 0) {
    if (threadIdx.x == 0) { out[row] = -1; counters[row] = 0; }
    return;
  }
  // Bitonic sort of s.buf[0..P) descending (zero padding sinks to the end).
  int P = 1;
  while (P < m) P <<= 1;
  for (int j = m + threadIdx.x; j < P; j += BLOCK) s.buf[j] = 0;
  __syncthreads();
  for (int size = 2; size <= P; size <<= 1) {
    for (int stride2 = size >> 1; stride2 > 0; stride2 >>= 1) {
      for (int i = threadIdx.x; i < P; i += BLOCK) {
        const int j = i ^ stride2;
        if (j > i) {
          const u64 a = s.buf[i], b = s.buf[j];
          const bool desc = (i & size) == 0;
          if (desc ? (a < b) : (a > b)) { s.buf[i] = b; s.buf[j] = a; }
        }
      }
      __syncthreads();
    }
  }
  const float lmax = key_value((u32)(s.buf[0] >> 32));
  if (!(lmax == lmax) || isinf(lmax)) {
    if (threadIdx.x == 0) { out[row] = packed_id(s.buf[0]); counters[row] = 0; }
    return;
  }
  // Weights (reusing s.top), then warp 0: lane l owns entries 8l..8l+7.
  for (int j = threadIdx.x; j < m; j += BLOCK)
    s.top[j] = det_exp2_fixed(fmul(fsub(key_value((u32)(s.buf[j] >> 32)), lmax), c));
  __syncthreads();
  if (threadIdx.x < 32) {
    const int lane = threadIdx.x;
    u64 w[8];
    u64 sum = 0;
#pragma unroll
    for (int q = 0; q < 8; q++) {
      const int j = 8 * lane + q;
      w[q] = j < m ? s.top[j] : 0ull;
      sum += w[q];
    }
    u64 incl = sum;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
      const u64 y = __shfl_up_sync(0xFFFFFFFFu, incl, o);
      if (lane >= o) incl += y;
    }
    const u64 z = __shfl_sync(0xFFFFFFFFu, incl, 31);
    const u64 excl = incl - sum;
    // Nucleus: the shortest prefix with (double)S >= top_p * Z.
    const double pz = (double)top_p * (double)z;
    int qcut = -1;
    u64 acc = excl;
#pragma unroll
    for (int q = 0; q < 8; q++) {
      acc += w[q];
      if (qcut < 0 && 8 * lane + q < m && (double)acc >= pz) qcut = q;
    }
    const u32 have = __ballot_sync(0xFFFFFFFFu, qcut >= 0);
    const int cl = __ffs(have) - 1;  // lane of the cut (always exists: S_m = Z)
    u64 cutsum = 0;
    if (lane == cl) {
      cutsum = excl;
      for (int q = 0; q <= qcut; q++) cutsum += w[q];
    }
    cutsum = __shfl_sync(0xFFFFFFFFu, cutsum, cl);
    // Draw: the first entry whose running sum exceeds x = hi64(r * cut).
    const u32x4 rr = philox(0xFFFFFFFFu, rc.pos, SALT_TOPK, 0u, rc.k0, rc.k1);
    const u64 r = (u64)rr.x[0] | ((u64)rr.x[1] << 32);
    const u64 x = __umul64hi(r, cutsum);
    int qd = -1;
    acc = excl;
#pragma unroll
    for (int q = 0; q < 8; q++) {
      acc += w[q];
      if (qd < 0 && 8 * lane + q < m && acc > x) qd = q;
    }
    const u32 hit = __ballot_sync(0xFFFFFFFFu, qd >= 0);
    const int dl = __ffs(hit) - 1;
    if (lane == dl) {
      out[row] = packed_id(s.buf[8 * lane + qd]);
      counters[row] = 0;
    }
  }
}

#define SAMPLE_ARGS                                                                          \
  u64 logits, i64 stride, i64 width, i64 real, u64 mask, i64 mask_stride, u64 mrows,        \
      u64 seeds, u64 pos, u64 c_bits, u64 top_p_bits, i64 k, i64 seg, u64 partials,         \
      u64 counters, u64 out

#define SAMPLE_ENTRIES(suffix, T)                                                            \
  extern "C" __global__ void __launch_bounds__(BLOCK) sample_greedy_##suffix(SAMPLE_ARGS) {  \
    sample_argmax<T, false>((const T::S*)logits, stride, width, real, (const u32*)mask,      \
                            mask_stride, (const int*)mrows, (const u64*)seeds,               \
                            (const u32*)pos, __uint_as_float((u32)c_bits), seg,              \
                            (u64*)partials, (u32*)counters, (int*)out);                      \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(BLOCK) sample_gumbel_##suffix(SAMPLE_ARGS) {  \
    sample_argmax<T, true>((const T::S*)logits, stride, width, real, (const u32*)mask,       \
                           mask_stride, (const int*)mrows, (const u64*)seeds,                \
                           (const u32*)pos, __uint_as_float((u32)c_bits), seg,               \
                           (u64*)partials, (u32*)counters, (int*)out);                       \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(BLOCK) sample_topk_##suffix(SAMPLE_ARGS) {    \
    sample_topk<T>((const T::S*)logits, stride, width, real, (const u32*)mask, mask_stride,  \
                   (const int*)mrows, (const u64*)seeds, (const u32*)pos,                    \
                   __uint_as_float((u32)c_bits), __uint_as_float((u32)top_p_bits), k, seg,   \
                   (u64*)partials, (u32*)counters, (int*)out);                               \
  }

SAMPLE_ENTRIES(f32, TF32)
SAMPLE_ENTRIES(f16, TF16)
SAMPLE_ENTRIES(bf16, TBF16)

// ---------------------------------------------------------------------------
// Random logits (RandomLogit): a multiple of 2^-20 in [-8, 8) per token
// from Philox keyed by the model seed at counter (t/4, pos, seq lo, seq hi).

template <typename T>
__device__ __forceinline__ void random_impl(typename T::S* out, i64 stride, i64 width, i64 nrows,
                                            const u64* seqs, const u32* pos, u64 model_seed,
                                            const int* bias_ids, i64 nbias, float bias) {
  const i64 groups = (width + 3) >> 2;
  const i64 total = groups * nrows;
  const u32 k0 = (u32)model_seed, k1 = (u32)(model_seed >> 32);
  int ids[MAX_BIAS];
  const int nb = nbias < MAX_BIAS ? (int)nbias : MAX_BIAS;
  for (int b = 0; b < MAX_BIAS; b++) ids[b] = b < nb ? bias_ids[b] : -1;
  for (i64 g = (i64)blockIdx.x * BLOCK + threadIdx.x; g < total; g += (i64)gridDim.x * BLOCK) {
    const i64 row = g / groups;
    const i64 q = g - row * groups;
    const u64 seq = seqs[row];
    const u32x4 r = philox((u32)q, pos[row], (u32)seq, (u32)(seq >> 32), k0, k1);
    typename T::S* o = out + row * stride;
#pragma unroll
    for (int j = 0; j < 4; j++) {
      const i64 t = 4 * q + j;
      if (t >= width) break;
      float v = fsub(fmul((float)(r.x[j] >> 8), F(0x35800000)), 8.0f);
      for (int b = 0; b < nb; b++)
        if (ids[b] == t) { v = fadd(v, bias); break; }
      o[t] = T::from_f(v);
    }
  }
}

#define RANDOM_ENTRY(name, T)                                                                 \
  extern "C" __global__ void __launch_bounds__(BLOCK)                                         \
      name(u64 out, i64 stride, i64 width, i64 nrows, u64 seqs, u64 pos, u64 model_seed,      \
           u64 bias_ids, i64 nbias, u64 bias_bits) {                                          \
    random_impl<T>((T::S*)out, stride, width, nrows, (const u64*)seqs, (const u32*)pos,      \
                   model_seed, (const int*)bias_ids, nbias, __uint_as_float((u32)bias_bits)); \
  }

RANDOM_ENTRY(random_logits_f32, TF32)
RANDOM_ENTRY(random_logits_f16, TF16)
RANDOM_ENTRY(random_logits_bf16, TBF16)

// ---------------------------------------------------------------------------
// Benchmark helpers.

// Spins for ns nanoseconds (one thread): queued in front of timed kernels
// so that the host's launch latency stays out of the measurement.
extern "C" __global__ void gpu_sleep(u64 ns) {
  u64 t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  do {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  } while (t - t0 < ns);
}

// Copies n 16-byte words (the SM copy bandwidth baseline).
extern "C" __global__ void __launch_bounds__(BLOCK) copy_u4(u64 dst, u64 src, i64 n) {
  uint4* d = (uint4*)dst;
  const uint4* s = (const uint4*)src;
  for (i64 i = (i64)blockIdx.x * BLOCK + threadIdx.x; i < n; i += (i64)gridDim.x * BLOCK)
    d[i] = s[i];
}
