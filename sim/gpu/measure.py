#!/usr/bin/python3
"""Measure a model's GPU latency and write a kiln baseline file.

kiln's GPU model (sim/gpu) estimates what PyTorch does on a GPU; this script measures it,
the way the study "Analyzing inference workloads for spatiotemporal modeling" (FGCS 2024)
did: end to end per batch, from a host numpy array to the device, through the model and
back to a host array, synchronised, median of the repeats. It writes the JSON that
`kiln baseline import FILE.json` reads (format kiln-gpu-baseline/1, see sim/gpu/baseline.go):
the device, driver, CUDA/cuDNN and software versions, the date, and per batch and precision
the batch latency, per-inference latency, p50 and p99.

    /usr/bin/python3 sim/gpu/measure.py --model lstm --batch 1 2048 \
        --precision fp32 amp fp64 -o lstm-a100.json
    kiln baseline import lstm-a100.json

Runtimes:
  pytorch      the built-in models (lstm, cnn, stgcn) built from frontend/zoo/train/train.py
               (the study's architectures); weights from its checkpoints when present, else
               the initial ones (latency does not depend on the values).
  onnxruntime  any .onnx file (or a built-in's model.onnx) with the CUDA execution provider,
               fp32 only; skipped with a message when onnxruntime is not installed.

Precisions (PyTorch): fp64 (model.double()), fp32 (TF32 off), tf32 (TF32 on for matmul and
cuDNN), fp16, bf16 (whole model), amp (torch.autocast float16, fp32 model and input).
int8 is not measured (PyTorch has no CUDA int8 path; use TensorRT and write the file by hand).
--device cpu runs the same on the CPU, for trying the script without a GPU (the file then
names no kiln GPU unless --gpu is given, and kiln refuses to import it).

Diagnosing a precision (why AMP is no faster than FP32, say):
  --profile FILE        after timing each PyTorch point, profile one more batch with
                        torch.profiler and write, per point, its kernels by device time (name,
                        calls, total µs) to FILE. cuDNN's kernel names tell whether a
                        convolution ran on the tensor cores (names with "xmma", "tensorop",
                        "hmma", "1688" or "16816") or on the FMA units ("implicit_convolve_sgemm",
                        "sgemm"), and show its NCHW<->NHWC transposes ("nchwToNhwc", "nhwcToNchw").
  --cudnn-benchmark     torch.backends.cudnn.benchmark = True (cuDNN times its algorithms and
                        keeps the fastest) instead of PyTorch's default heuristics; noted in
                        each point.
  --cudnn-tf32-default  fp32 with PyTorch's default cuDNN setting (allow_tf32 True: FP32
                        convolutions may run on the TF32 tensor cores; matmuls stay fp32);
                        noted in each point. Without it fp32 turns TF32 off everywhere.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
ZOO = os.path.join(REPO, "frontend", "zoo")
BUILTINS = ("lstm", "cnn", "stgcn")
PRECISIONS = ("fp64", "fp32", "tf32", "fp16", "bf16", "amp", "int8")
FORMAT = "kiln-gpu-baseline/1"

# Device names as the driver reports them -> kiln's GPU names (targets/gpus.json).
GPU_NAMES = [
    ("A100-SXM4-40GB", "a100-sxm4-40gb"),
    ("A100-SXM4-80GB", "a100-sxm4-80gb"),
    ("A100-PCIE-40GB", "a100-pcie-40gb"),
    ("H100 80GB HBM3", "h100-sxm"),
    ("H100 PCIe", "h100-pcie"),
    ("V100-SXM2", "v100-sxm2"),
    ("Orin", "jetson-agx-orin"),
]


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Measure a model's end-to-end latency on a GPU (PyTorch, ONNX Runtime CUDA) "
        "and write a kiln baseline file (kiln-gpu-baseline/1).")
    p.add_argument("--model", default="lstm", help="lstm, cnn, stgcn or a path to an .onnx file")
    p.add_argument("--batch", type=int, nargs="+", default=[1, 2048], help="batch sizes")
    p.add_argument("--precision", nargs="+", default=["fp32", "amp", "fp64"], choices=PRECISIONS)
    p.add_argument("--runtime", nargs="+", default=["pytorch", "onnxruntime"],
                   choices=["pytorch", "onnxruntime"])
    p.add_argument("--device", default="cuda", help="cuda (default) or cpu (to try the script)")
    p.add_argument("--gpu", help="kiln's GPU name (default: from the device name)")
    p.add_argument("--repeats", type=int, default=50, help="timed batches per point")
    p.add_argument("--warmup", type=int, default=5, help="untimed batches first")
    p.add_argument("--source", default="", help="who measured, where (kept in the file)")
    p.add_argument("-o", "--out", default="-", help="output file (default stdout)")
    p.add_argument("--profile", metavar="FILE",
                   help="write each PyTorch point's kernels by device time (torch.profiler) to FILE")
    p.add_argument("--cudnn-benchmark", action="store_true",
                   help="torch.backends.cudnn.benchmark = True (default: PyTorch's heuristics)")
    p.add_argument("--cudnn-tf32-default", action="store_true",
                   help="fp32 keeps PyTorch's default torch.backends.cudnn.allow_tf32 = True")
    a = p.parse_args(argv)
    if a.repeats < 1 or a.warmup < 0 or min(a.batch) < 1:
        p.error("--repeats and --batch must be at least 1, --warmup at least 0")
    return a


def model_path(name):
    if name in BUILTINS:
        return os.path.join(ZOO, "models", name, "model.onnx")
    if not os.path.isfile(name):
        raise SystemExit(f"measure: --model {name!r}: not a built-in ({', '.join(BUILTINS)}) nor a file")
    return name


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def percentile(xs, q):
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def timed(run, warmup, repeats):
    """run() does one batch end to end and synchronises; returns its latencies in µs."""
    for _ in range(warmup):
        run()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        out.append((time.perf_counter() - t0) * 1e6)
    return out


def point(runtime, batch, precision, lat, note=""):
    med = percentile(lat, 50)
    m = {"runtime": runtime, "batch": batch, "precision": precision,
         "batch_latency_us": round(med, 3), "per_inference_us": round(med / batch, 6),
         "p50_us": round(med, 3), "p99_us": round(percentile(lat, 99), 3),
         "repeats": len(lat), "end_to_end": True}
    if note:
        m["note"] = note
    return m


def precision_setup(torch, m, prec, dev, args):
    """The model (fresh, m) in prec, input numpy dtype, host-side conversion and autocast
    context."""
    import contextlib
    import numpy as np
    tf32 = prec == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32 or (prec == "fp32" and args.cudnn_tf32_default)
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    ctx = contextlib.nullcontext
    conv = None
    dtype = np.float32
    if prec == "fp64":
        m, dtype = m.double(), np.float64
    elif prec == "fp16":
        m, dtype = m.half(), np.float16
    elif prec == "bf16":
        m, conv = m.bfloat16(), (lambda t: t.bfloat16())  # numpy has no bfloat16: convert on the host
    elif prec == "amp":
        half = torch.float16 if dev.type == "cuda" else torch.bfloat16  # CPU autocast is bf16 only
        ctx = lambda: torch.autocast(device_type=dev.type, dtype=half)  # noqa: E731
    return m.eval().to(dev), dtype, conv, ctx


def lstm_forward(m):
    """train.LSTM's forward with the zero initial state made on the input's device and in its
    type (train.py makes it on the CPU in float32, which CUDA and fp64 runs reject)."""
    def forward(x):
        h = x.new_zeros(1, x.size(0), m.hidden)
        c = x.new_zeros(1, x.size(0), m.hidden)
        h, _ = m.lstm_layer(x, (h, c))
        return m.dense_layer(h[:, -1, :]).reshape(-1, m.fw, m.n_features)
    return forward


def pytorch_points(args, name, dev, profiles):
    import numpy as np
    import torch
    if name not in BUILTINS:
        print(f"measure: pytorch: {name!r} is not a built-in model; it runs under onnxruntime only",
              file=sys.stderr)
        return []
    sys.path.insert(0, os.path.join(ZOO, "train"))
    import train  # the study's architectures (frontend/zoo/train/train.py)
    ckpt = os.path.join(ZOO, "train", "checkpoints", name + ".pt")

    def fresh():
        model = train.build(name)
        if name == "lstm":
            model.forward = lstm_forward(model)
        if os.path.isfile(ckpt):
            model.load_state_dict(torch.load(ckpt, map_location="cpu"))
        return model
    shape = (2, 60, 68) if name == "stgcn" else (60, 136)
    rng = np.random.default_rng(0)
    out = []
    for prec in args.precision:
        if prec == "int8":
            print("measure: pytorch: int8 is not measured (no CUDA int8 path in PyTorch)", file=sys.stderr)
            continue
        m, dtype, conv, ctx = precision_setup(torch, fresh(), prec, dev, args)
        for b in args.batch:
            x = rng.standard_normal((b,) + shape).astype(dtype)

            def run():
                with torch.no_grad(), ctx():
                    t = torch.from_numpy(x)
                    if conv:
                        t = conv(t)
                    y = m(t.to(dev))
                    y.float().cpu().numpy()
                if dev.type == "cuda":
                    torch.cuda.synchronize()
            try:
                lat = timed(run, args.warmup, args.repeats)
            except RuntimeError as e:  # e.g. an operator without a half kernel on the CPU
                print(f"measure: pytorch {prec} batch {b}: {e}", file=sys.stderr)
                continue
            out.append(point("pytorch", b, prec, lat, setting_note(args, prec)))
            if args.profile:
                profiles.append({"runtime": "pytorch", "batch": b, "precision": prec,
                                 "note": setting_note(args, prec), "kernels": profile(torch, run, dev)})
    return out


def setting_note(args, prec):
    notes = []
    if prec == "tf32":
        notes.append("TF32 on")
    if prec == "fp32" and args.cudnn_tf32_default:
        notes.append("cudnn.allow_tf32 on (PyTorch's default), matmul TF32 off")
    if args.cudnn_benchmark:
        notes.append("cudnn.benchmark on")
    return "; ".join(notes)


def profile(torch, run, dev, top=30):
    """One more batch under torch.profiler: its kernels (on the CPU: its operators) by self
    time, the longest first."""
    from torch.profiler import ProfilerActivity
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if dev.type == "cuda" else [])
    with torch.profiler.profile(activities=acts) as prof:
        run()
    rows = []
    for e in prof.key_averages():
        us = e.self_cuda_time_total if dev.type == "cuda" else e.self_cpu_time_total
        if us > 0:
            rows.append({"name": e.key, "calls": e.count, "total_us": round(us, 3)})
    rows.sort(key=lambda r: -r["total_us"])
    return rows[:top]


def ort_points(args, path, dev):
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        print("measure: onnxruntime is not installed: its measurements are skipped", file=sys.stderr)
        return []
    want = "CUDAExecutionProvider" if dev.type == "cuda" else "CPUExecutionProvider"
    sess = ort.InferenceSession(path, providers=[want])
    if want not in sess.get_providers():
        print(f"measure: onnxruntime has no {want}: skipped", file=sys.stderr)
        return []
    inp = sess.get_inputs()[0]
    rng = np.random.default_rng(0)
    out = []
    for prec in args.precision:
        if prec != "fp32":
            print(f"measure: onnxruntime: {prec} is not measured (fp32 only)", file=sys.stderr)
            continue
        for b in args.batch:
            if isinstance(inp.shape[0], int) and inp.shape[0] != b:
                print(f"measure: onnxruntime: the model's batch is fixed at {inp.shape[0]}: batch {b} skipped",
                      file=sys.stderr)
                continue
            x = rng.standard_normal([b] + [d if isinstance(d, int) else 1 for d in inp.shape[1:]])
            x = x.astype(np.float32)
            lat = timed(lambda: sess.run(None, {inp.name: x}), args.warmup, args.repeats)
            out.append(point("onnxruntime-" + ("cuda" if dev.type == "cuda" else "cpu"), b, prec, lat))
    return out


def device_info(dev):
    sw = {"python": platform.python_version()}
    info = {"name": platform.processor() or platform.machine(), "driver": "none (cpu)"}
    for mod in ("torch", "numpy", "onnxruntime"):
        try:
            sw[mod] = __import__(mod).__version__
        except ImportError:
            pass
    if dev.type == "cuda":
        import torch
        info["name"] = torch.cuda.get_device_name(dev)
        info["cuda"] = str(torch.version.cuda)
        info["cudnn"] = str(torch.backends.cudnn.version())
        try:
            q = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                               capture_output=True, text=True, timeout=30)
            info["driver"] = q.stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            info["driver"] = "unknown (nvidia-smi failed)"
    return info, sw


def kiln_gpu(args, info):
    if args.gpu:
        return args.gpu
    for pattern, name in GPU_NAMES:
        if pattern.lower() in info["name"].lower():
            return name
    return info["name"] if args.device == "cpu" else "unknown: pass --gpu"


def main(argv):
    args = parse_args(argv)
    path = model_path(args.model)
    import torch
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("measure: no CUDA device (run with --device cpu to try the script)")
    dev = torch.device(args.device)
    name = args.model if args.model in BUILTINS else os.path.splitext(os.path.basename(path))[0]
    info, sw = device_info(dev)
    points, profiles = [], []
    if "pytorch" in args.runtime:
        points += pytorch_points(args, name, dev, profiles)
    if "onnxruntime" in args.runtime:
        points += ort_points(args, path, dev)
    if not points:
        raise SystemExit("measure: nothing was measured")
    doc = {
        "format": FORMAT, "model": name, "model_sha256": sha256(path), "gpu": kiln_gpu(args, info),
        "device": info, "software": sw,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": args.source or f"sim/gpu/measure.py on {platform.node()}, "
                                 f"{args.repeats} timed batches after {args.warmup} warm-up",
        "measurements": points,
    }
    if args.profile:
        with open(args.profile, "w") as f:
            json.dump({"model": name, "gpu": doc["gpu"], "device": info, "software": sw, "date": doc["date"],
                       "profiles": profiles}, f, indent=2)
            f.write("\n")
    text = json.dumps(doc, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
