#!/usr/bin/env python3
"""PyTorch baselines for `gramc bench gpu`, on the same shapes and card.

For every (vocab, batch): XGrammar's int32 bitmask (bit t%32 of word t/32,
1 = allowed), f32 logits, and
  - unpack + masked_fill_: the bitmask unpacked to bools, then
    logits.masked_fill_(~allowed, -inf) (XGrammar's torch-native path);
  - masked_fill_ with a precomputed bool mask;
  - where + argmax with a precomputed bool mask;
  - unpack + where + argmax (what the fused greedy kernel replaces);
plus the card's device-to-device copy bandwidth (y.copy_(x), read+write).
Times: median of --reps CUDA-event timings, queued behind a GPU sleep so
the host's launch latency is excluded (the same method as gramc).

Usage: python3 scripts/torch_baseline.py [--out torch.json] [--reps 200]
"""
import argparse
import json
import sys

import torch

VOCABS = [(1, 1), (33, 33), (32000, 32000), (50257, 50257), (128256, 128256), (151936, 151669), (262144, 262144)]
BATCHES = [1, 7, 64, 256]


def sleep_ms(ms):
    """Queue a GPU sleep (torch.cuda._sleep takes clock cycles)."""
    try:
        rate = torch.cuda.get_device_properties(0).clock_rate  # kHz, where available
    except AttributeError:
        rate = 2_000_000
    try:
        torch.cuda._sleep(int(ms * rate))
    except AttributeError:
        pass


def median_us(fn, reps):
    fn()  # warm-up (allocations, kernel selection)
    torch.cuda.synchronize()
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(reps + 1)]
    sleep_ms(max(20, reps * 0.1))
    ev[0].record()
    for i in range(reps):
        fn()
        ev[i + 1].record()
    torch.cuda.synchronize()
    t = sorted(ev[i].elapsed_time(ev[i + 1]) for i in range(reps))
    return t[reps // 2] * 1000.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="")
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args()
    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(0)
    report = {"device": props.name, "torch": torch.__version__, "shapes": []}

    # Copy bandwidth: 256 MiB or the largest logits buffer.
    n = max(256 << 20, max(b for b in BATCHES) * max(v for v, _ in VOCABS) * 4)
    x = torch.ones(n // 4, device=dev)
    y = torch.empty_like(x)
    us = median_us(lambda: y.copy_(x), 20)
    report["copy_gbs"] = 2 * n / us / 1e3
    report["copy_bytes"] = n
    print(f"device: {props.name}, torch {torch.__version__}")
    print(f"copy bandwidth (read+write): {report['copy_gbs']:.0f} GB/s, {n >> 20} MiB")
    del x, y

    print("| vocab (real) | batch | unpack+masked_fill µs | GB/s | masked_fill (bool) µs | where+argmax (bool) µs | unpack+where+argmax µs |")
    print("|---|---|---|---|---|---|---|")
    bits = torch.arange(32, device=dev, dtype=torch.int32)
    ninf = float("-inf")
    for width, real in VOCABS:
        for b in BATCHES:
            words = (real + 31) // 32
            g = torch.Generator(device=dev)
            g.manual_seed(width * 1000 + b)
            logits = torch.randn(b, width, device=dev, generator=g)
            bitmask = torch.randint(-(2**31), 2**31 - 1, (b, words), device=dev, dtype=torch.int32, generator=g)

            def unpack():
                allowed = ((bitmask.unsqueeze(-1) >> bits) & 1).view(b, -1)[:, :width].bool()
                if allowed.shape[1] < width:  # padding ids: never allowed
                    allowed = torch.nn.functional.pad(allowed, (0, width - allowed.shape[1]), value=False)
                return allowed

            pre = unpack()

            def unpack_fill():
                logits.masked_fill_(~unpack(), ninf)

            def fill():
                logits.masked_fill_(~pre, ninf)

            def where_argmax():
                return torch.where(pre, logits, ninf).argmax(-1)

            def unpack_where_argmax():
                return torch.where(unpack(), logits, ninf).argmax(-1)

            r = {"width": width, "real": real, "rows": b}
            r["unpack_fill_us"] = median_us(unpack_fill, args.reps)
            r["unpack_fill_gbs"] = (2 * b * width * 4 + b * words * 4) / r["unpack_fill_us"] / 1e3
            r["fill_us"] = median_us(fill, args.reps)
            r["where_argmax_us"] = median_us(where_argmax, args.reps)
            r["unpack_where_argmax_us"] = median_us(unpack_where_argmax, args.reps)
            report["shapes"].append(r)
            label = f"{width} ({real})" if real != width else f"{width}"
            print(f"| {label} | {b} | {r['unpack_fill_us']:.2f} | {r['unpack_fill_gbs']:.0f} | {r['fill_us']:.2f} | "
                  f"{r['where_argmax_us']:.2f} | {r['unpack_where_argmax_us']:.2f} |", flush=True)
            del logits, bitmask, pre
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
