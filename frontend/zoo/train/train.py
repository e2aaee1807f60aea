#!/usr/bin/python3
"""Build, train and export kiln's three built-in grid models (LSTM, CNN, STGCN).

The architectures are those of the study's code, as specified in
../shared/models/PAPER_MODELS.md (sections 1-4). Run with Debian's PyTorch and onnx:

    go run ./cmd/kiln gridsim -n 48 --seed 1 -o frontend/zoo/train/data
    /usr/bin/python3 frontend/zoo/train/train.py train      # -> checkpoints/ (gitignored)
    /usr/bin/python3 frontend/zoo/train/train.py export     # -> frontend/zoo/models/...

`train` accepts model names (default: all three) and writes checkpoints/<name>.pt and
checkpoints/<name>.json. `export` reads them, evaluates the validation scenarios and
writes, for each model,

    frontend/zoo/models/<name>/model.onnx
    frontend/zoo/models/<name>/test_data_set_0/{input_0,output_0}.pb
    frontend/zoo/models/<name>/target_0.pb
    frontend/zoo/models/metrics.json
    frontend/zoo/train/stgcn_opset13.onnx

Everything runs on one CPU thread with fixed seeds, and training budgets are counted in
steps (never in wall time), so a rerun on the same data gives the same weights, and a
re-export from the same checkpoints gives byte-identical files.
"""

import json
import math
import os
import sys
import time

import numpy as np
import onnx
import onnx.checker
import onnx.numpy_helper
import onnx.shape_inference
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(HERE, "data")
CKPT = os.path.join(HERE, "checkpoints")
MODELS_DIR = os.path.join(REPO, "frontend", "zoo", "models")
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "ieee68"))
GRAPH_CSV = os.path.join(SHARED, "grid_graph.csv")
BUSES_CSV = os.path.join(SHARED, "buses.csv")

N_BUS = 68
N_FEAT = 2 * N_BUS  # [F(68) | Vm(68)]
N_ROWS = 1400
BW, FW = 60, 30
N_WIN = (N_ROWS - BW - 33) + 1  # 1308 windows per scenario (PAPER_MODELS.md 1.2)
TWO_PI = 2 * math.pi
VM_SCALE = 10.0

N_TRAIN_SCEN, N_VAL_SCEN = 40, 8
VAL_STRIDE = 4  # validation metrics use every 4th window of each validation scenario

# Training settings per model. Budgets are in optimiser steps; the sample of windows
# for each step is drawn from a seeded generator.
SETTINGS = {
    "lstm": dict(seed=1, batch=64, steps=2200, lr=2e-3, lr_min=2e-5),
    "cnn": dict(seed=2, batch=64, steps=1000, lr=1e-3, lr_min=1e-5),
    "stgcn": dict(seed=3, batch=16, steps=1000, lr=2e-3, lr_min=2e-5, norm="dev"),
}
PARAMS = {"lstm": 316_912, "cnn": 1_153_264, "stgcn": 105_010}


# ---------------------------------------------------------------------------------------
# Models (PAPER_MODELS.md sections 2-4)


class LSTM(nn.Module):
    """LSTMSingleLayerPT: LSTM(136 -> 64), Linear(64 -> 30*136) on the last hidden state."""

    def __init__(self, n_features=N_FEAT, hidden=64, fw=FW):
        super().__init__()
        self.hidden = hidden
        self.fw = fw
        self.n_features = n_features
        self.lstm_layer = nn.LSTM(input_size=n_features, hidden_size=hidden, batch_first=True)
        self.dense_layer = nn.Linear(hidden, fw * n_features)

    def forward(self, x):  # x: [B, 60, 136]
        # Explicit zero initial state built from the batch size, as in the study's code.
        h = torch.zeros(1, x.size(0), self.hidden)
        c = torch.zeros(1, x.size(0), self.hidden)
        h, c = self.lstm_layer(x, (h, c))
        y = self.dense_layer(h[:, -1, :])
        return y.reshape(-1, self.fw, self.n_features)


class CNN(nn.Module):
    """PTCNN: last 3 steps, Conv1d(136 -> 256, 3) without activation, Linear(256 -> 4080)."""

    def __init__(self, n_features=N_FEAT, fw=FW):
        super().__init__()
        self.fw = fw
        self.n_features = n_features
        self.conv_layer = nn.Conv1d(n_features, 256, 3)
        self.dense_layer = nn.Linear(256, fw * n_features)

    def forward(self, x):  # x: [B, 60, 136]
        x = x[:, -3:, :].permute(0, 2, 1)  # [B, 136, 3]
        z = self.conv_layer(x)  # [B, 256, 1]
        y = self.dense_layer(z.reshape(z.size(0), -1))
        return y.reshape(-1, self.fw, self.n_features)


def grid_adjacency(path=GRAPH_CSV, n=N_BUS):
    """Ŝ[v][u] = M[v][u] / sqrt(d_in(v) d_out(u)), M[v][u] = #edges u -> v incl. self-loop.

    Directed edges from -> to, duplicate rows kept as parallel edges, one self-loop per
    node (dgl.from_scipy + dgl.add_self_loop; GraphConv norm='both'), PAPER_MODELS.md 4.2/4.3.
    """
    m = np.zeros((n, n), np.float64)
    with open(path) as f:
        rows = f.read().split()
    assert rows[0] == "from,to,cost", rows[0]
    edges = [tuple(int(v) for v in r.split(",")[:2]) for r in rows[1:]]
    assert len(edges) == 86, len(edges)
    for u, v in edges:
        m[v, u] += 1.0
    m += np.eye(n)
    assert m.sum() == 154
    d_in = m.sum(axis=1)
    d_out = m.sum(axis=0)
    s = m / np.sqrt(np.outer(d_in, d_out))
    assert np.count_nonzero(s) == 151
    assert [int((d_in == k).sum()) for k in (1, 2, 3, 4)] == [6, 43, 14, 5]
    return torch.tensor(s, dtype=torch.float32)


class TemporalConvLayer(nn.Module):
    def __init__(self, c_in, c_out, dia):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, (2, 1), 1, dilation=dia, padding=(0, 0))

    def forward(self, x):
        return torch.relu(self.conv(x))


class GCN(nn.Module):
    """The 2-hop block GraphConv of the study, one shared W (in x out) and b."""

    def __init__(self, c, adj):
        super().__init__()
        self.register_buffer("adj", adj)
        self.weight = nn.Parameter(torch.empty(c, c))
        self.bias = nn.Parameter(torch.zeros(c))
        nn.init.xavier_uniform_(self.weight)  # DGL GraphConv's reset_parameters

    def forward(self, x):  # [B, C, T, N]
        h = x.permute(0, 2, 3, 1)  # [B, T, N, C]
        for _ in range(2):
            h = torch.relu(torch.matmul(torch.matmul(self.adj, h), self.weight) + self.bias)
        h = torch.relu(h)
        return h.permute(0, 3, 1, 2)


class OutputLayer(nn.Module):
    def __init__(self, c, t, c_out):
        super().__init__()
        self.tconv1 = nn.Conv2d(c, c, (t, 1), 1, dilation=1, padding=(0, 0))
        self.ln = nn.LayerNorm([c])
        self.tconv2 = nn.Conv2d(c, c_out, (1, 1), 1, dilation=1, padding=(0, 0))

    def forward(self, x):
        x = self.tconv1(x)
        x = self.ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return self.tconv2(x)


class STGCN(nn.Module):
    """STGCN_WAVE with control string "TNTGT", channels [2, 16, 32, 64], bw 60, fw 30."""

    def __init__(self, adj, control_str="TNTGT", c=(2, 16, 32, 64), bw=BW, fw=FW):
        super().__init__()
        self.control_str = control_str
        layers = []
        cnt, diapower = 0, 0
        for ch in control_str:
            if ch == "T":
                layers.append(TemporalConvLayer(c[cnt], c[cnt + 1], dia=2 ** diapower))
                diapower += 1
                cnt += 1
            elif ch == "N":
                layers.append(nn.LayerNorm([c[cnt]]))
            elif ch == "G":
                layers.append(GCN(c[cnt], adj))
            else:
                raise ValueError(ch)
        self.layers = nn.ModuleList(layers)
        self.output = OutputLayer(c[cnt], bw - fw + 2 - 2 ** diapower, 2)

    def forward(self, x):  # [B, 2, 60, 68]
        for ch, layer in zip(self.control_str, self.layers):
            if ch == "N":
                x = layer(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
            else:
                x = layer(x)
        return self.output(x)  # [B, 2, 30, 68]


def build(name):
    if name == "lstm":
        m = LSTM()
    elif name == "cnn":
        m = CNN()
    elif name == "stgcn":
        m = STGCN(grid_adjacency())
    else:
        raise ValueError(name)
    n = sum(p.numel() for p in m.parameters())
    assert n == PARAMS[name], (name, n)
    return m


# ---------------------------------------------------------------------------------------
# Data (PAPER_MODELS.md section 1)


def load_scenarios():
    files = sorted(f for f in os.listdir(DATA) if f.startswith("scenario_") and f.endswith(".npy"))
    assert len(files) >= N_TRAIN_SCEN + N_VAL_SCEN, f"need 48 scenarios in {DATA}, found {len(files)}"
    files = files[: N_TRAIN_SCEN + N_VAL_SCEN]
    arrs = []
    for f in files:
        a = np.load(os.path.join(DATA, f))
        assert a.shape == (N_ROWS, N_FEAT) and a.dtype == np.float32, (f, a.shape, a.dtype)
        assert np.isfinite(a).all(), f
        arrs.append(a)
    return files, np.stack(arrs)  # [S, 1400, 136], physical units


def split(n=N_TRAIN_SCEN + N_VAL_SCEN):
    """Validation = scenarios 0, 7, 14, ..., 42 and 47; training = the other 40.

    gridsim cycles hop distance 1..4 and k 0.2/0.4/0.6 with period 12, so every 7th
    scenario (plus the last) covers all four hop distances and all three k values.
    """
    val = sorted(set(range(0, n - 1, 7)) | {n - 1})
    train = [i for i in range(n) if i not in val]
    assert len(val) == N_VAL_SCEN and len(train) == N_TRAIN_SCEN, (val, train)
    return train, val


def normalise(a):
    """Physical [..., 136] -> F' = 2π(F - 60), Vm' = 10(Vm - 1) (GridDataGenerator_PT)."""
    out = np.empty(a.shape, np.float32)
    out[..., :N_BUS] = (a[..., :N_BUS].astype(np.float64) - 60.0) * TWO_PI
    out[..., N_BUS:] = (a[..., N_BUS:].astype(np.float64) - 1.0) * VM_SCALE
    return out


def windows(series, scen, starts):
    """X = rows i..i+59, Y = rows i+60..i+89 of scenario scen for each start i."""
    idx_x = starts[:, None] + np.arange(BW)[None, :]
    idx_y = starts[:, None] + BW + np.arange(FW)[None, :]
    return series[scen[:, None], idx_x], series[scen[:, None], idx_y]


def to_stgcn(a):
    """[B, T, 136] -> [B, 2, T, 68] (channel 0 = F, 1 = Vm)."""
    b, t, _ = a.shape
    return np.ascontiguousarray(a.reshape(b, t, 2, N_BUS).transpose(0, 2, 1, 3))


def from_stgcn(a):
    b, _, t, _ = a.shape
    return np.ascontiguousarray(a.transpose(0, 2, 1, 3).reshape(b, t, N_FEAT))


# Units of each model's input and output. "std" is GridDataGenerator_PT's normalisation
# (LSTM, CNN); "raw" is what the study's STGCN reader delivers (F in Hz, Vm in pu);
# "dev" is kiln's deliberate deviation for the STGCN: F' = 2π(F - 60) as "std", and
# Vm' = 10(Vm - V0(bus)) with V0 the solved load-flow voltage of buses.csv.
NORM_DOC = {
    "std": "F' = 2*pi*(F - 60), Vm' = 10*(Vm - 1)",
    "raw": "F in Hz, Vm in pu (the study's STGCN reader)",
    "dev": "F' = 2*pi*(F - 60), Vm' = 10*(Vm - V0[bus]), V0 = v_pu of buses.csv",
}


def v0_offset():
    """10(V0 - 1) per bus: the shift from "std" to "dev" units of the Vm channel."""
    with open(BUSES_CSV) as f:
        rows = f.read().split()
    assert rows[0].startswith("bus,type,v_pu"), rows[0]
    v0 = np.array([float(r.split(",")[2]) for r in rows[1:]], np.float64)
    assert [int(r.split(",")[0]) for r in rows[1:]] == list(range(1, N_BUS + 1))
    off = np.zeros(N_FEAT, np.float64)
    off[N_BUS:] = (v0 - 1.0) * VM_SCALE
    return off


def model_io(name, x, y, norm):
    """Windows in "std" units [B,T,136] -> the model's own input/target layout and units."""
    if name == "stgcn":
        if norm == "raw":
            x, y = denormalise(x), denormalise(y)
        elif norm == "dev":
            off = v0_offset()
            x = (x.astype(np.float64) - off).astype(np.float32)
            y = (y.astype(np.float64) - off).astype(np.float32)
        else:
            assert norm == "std", norm
        return to_stgcn(x), to_stgcn(y)
    assert norm == "std", norm
    return x, y


def denormalise(a):
    out = np.empty(a.shape, np.float32)
    out[..., :N_BUS] = a[..., :N_BUS].astype(np.float64) / TWO_PI + 60.0
    out[..., N_BUS:] = a[..., N_BUS:].astype(np.float64) / VM_SCALE + 1.0
    return out


def model_out_to_norm(name, y, norm):
    """The model's output layout/units -> "std" units [B, 30, 136], float64."""
    if name == "stgcn":
        y = from_stgcn(y).astype(np.float64)
        if norm == "raw":
            out = np.empty(y.shape, np.float64)
            out[..., :N_BUS] = (y[..., :N_BUS] - 60.0) * TWO_PI
            out[..., N_BUS:] = (y[..., N_BUS:] - 1.0) * VM_SCALE
            return out
        if norm == "dev":
            return y + v0_offset()
        return y
    return y.astype(np.float64)


# ---------------------------------------------------------------------------------------
# Training


def lr_at(step, s):
    """Cosine decay from lr to lr_min over the budget, after a 2 % linear warm-up."""
    warm = max(1, s["steps"] // 50)
    if step < warm:
        return s["lr"] * (step + 1) / warm
    p = (step - warm) / max(1, s["steps"] - warm)
    return s["lr_min"] + 0.5 * (s["lr"] - s["lr_min"]) * (1 + math.cos(math.pi * p))


def train(name, series, train_idx, val_idx, overrides=None):
    s = dict(SETTINGS[name])
    s.update(overrides or {})
    norm = s.get("norm", "std")
    torch.manual_seed(s["seed"])
    gen = np.random.default_rng(s["seed"])
    model = build(name)
    if name == "stgcn" and norm == "raw":
        # Raw values (the study's reader): start the output at the operating point.
        with torch.no_grad():
            model.output.tconv2.bias.copy_(torch.tensor([60.0, 1.0]))
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=s["lr"])
    loss_fn = nn.MSELoss()
    train_idx = np.asarray(train_idx)
    # A small fixed validation probe, only for the progress log.
    pv_scen = np.repeat(np.asarray(val_idx), 8)
    pv_start = np.tile(np.linspace(0, N_WIN - 1, 8).astype(np.int64), len(val_idx))
    px, py = windows(series, pv_scen, pv_start)
    pxm, pym = model_io(name, px, py, norm)
    pxm_t = torch.from_numpy(pxm)
    t0, c0 = time.time(), time.process_time()
    run = 0.0
    for step in range(s["steps"]):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, s)
        scen = gen.choice(train_idx, size=s["batch"])
        start = gen.integers(0, N_WIN, size=s["batch"])
        x, y = windows(series, scen, start)
        xm, ym = model_io(name, x, y, norm)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(torch.from_numpy(xm)), torch.from_numpy(ym))
        loss.backward()
        opt.step()
        run = 0.98 * run + 0.02 * loss.item() if step else loss.item()
        if step % max(1, s["steps"] // 20) == 0 or step == s["steps"] - 1:
            with torch.no_grad():
                model.eval()
                pp = model(pxm_t).numpy()
                model.train()
            pred = model_out_to_norm(name, pp, norm)
            pv = rmse(pred, py)
            pers = rmse(np.repeat(px[:, -1:, :], FW, axis=1), py)
            print(f"{name} step {step:5d} lr {lr_at(step, s):.2e} loss {run:.4g} "
                  f"probe rmse {pv:.4f} (persistence {pers:.4f}) {time.time() - t0:.0f}s",
                  flush=True)
    seconds, cpu = time.time() - t0, time.process_time() - c0
    os.makedirs(CKPT, exist_ok=True)
    stem = name + (f"_{s['tag']}" if s.get("tag") else "")  # tag=...: a trial, kept apart
    torch.save(model.state_dict(), os.path.join(CKPT, f"{stem}.pt"))
    meta = dict(
        windows_train=s["steps"] * s["batch"],
        windows_train_available=len(train_idx) * N_WIN,
        epochs=round(s["steps"] * s["batch"] / (len(train_idx) * N_WIN), 3),
        steps=s["steps"], batch=s["batch"], lr=s["lr"], lr_min=s["lr_min"], seed=s["seed"],
        seconds=round(seconds, 1), cpu_seconds=round(cpu, 1), norm=norm,
    )
    with open(os.path.join(CKPT, f"{stem}.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    print(f"{name}: trained in {seconds:.0f}s wall, {cpu:.0f}s CPU", flush=True)


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)))


def physical_rmse(pred_n, true_n):
    """RMSE in Hz over the F features and in pu over the Vm features, from normalised data."""
    d = np.asarray(pred_n, np.float64) - np.asarray(true_n, np.float64)
    hz = float(np.sqrt(np.mean(d[..., :N_BUS] ** 2))) / TWO_PI
    pu = float(np.sqrt(np.mean(d[..., N_BUS:] ** 2))) / VM_SCALE
    return {"hz": hz, "pu": pu}


# ---------------------------------------------------------------------------------------
# Export


def normalise_onnx(m):
    """Clear the fields that could vary between runs or machines."""
    m.producer_version = torch.__version__.split("+")[0]
    m.doc_string = ""
    m.graph.doc_string = ""
    for n in m.graph.node:
        n.doc_string = ""


def export_onnx(model, x, path, opset):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(
        model, x, path,
        opset_version=opset,
        input_names=["x"],
        output_names=["y"],
        dynamic_axes={"x": {0: "batch_size"}, "y": {0: "batch_size"}},
        do_constant_folding=True,
        training=torch.onnx.TrainingMode.EVAL,
    )
    m = onnx.load(path)
    normalise_onnx(m)
    onnx.checker.check_model(m, full_check=True)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    ops = [n.op_type for n in m.graph.node]
    print(f"  {os.path.relpath(path, REPO)} opset {opset}: {os.path.getsize(path)} bytes, "
          f"{len(ops)} nodes: {' '.join(ops)}", flush=True)


def write_tensor(path, arr, name):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(onnx.numpy_helper.from_array(np.ascontiguousarray(arr, np.float32), name).SerializeToString())


def predict(model, x, batch=64):
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            outs.append(model(torch.from_numpy(x[i:i + batch])).numpy())
    return np.concatenate(outs)


def predict_float64(model, x):
    """The model's PyTorch output computed in float64 (weights and input widened exactly),
    for the stored reference output: it is then the exact value of the float32 model
    rounded once, independent of any float32 summation order."""
    import copy
    m64 = copy.deepcopy(model).double()
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # the LSTM's zero state is built in forward
    try:
        with torch.no_grad():
            return m64(torch.from_numpy(x).double()).numpy()
    finally:
        torch.set_default_dtype(old)


def test_windows(val_idx):
    """16 validation windows: two per validation scenario, spread over the window range."""
    scen = np.array([val_idx[j % len(val_idx)] for j in range(16)])
    start = np.round(np.linspace(0, N_WIN - 1, 16)).astype(np.int64)
    return scen, start


def export(names, series, train_idx, val_idx):
    metrics_path = os.path.join(MODELS_DIR, "metrics.json")
    metrics = {}
    if os.path.exists(metrics_path):
        with open(metrics_path) as f:
            metrics = json.load(f)
    vs = np.repeat(np.asarray(val_idx), len(range(0, N_WIN, VAL_STRIDE)))
    vst = np.tile(np.arange(0, N_WIN, VAL_STRIDE), len(val_idx))
    vx, vy = windows(series, vs, vst)
    pers = np.repeat(vx[:, -1:, :], FW, axis=1)
    # A second, stronger baseline: the operating point (60 Hz, the load-flow V0) at every
    # step. The disturbances ring around it, so it beats persistence on this data.
    oppt = np.broadcast_to(v0_offset(), vy.shape)
    ts, tst = test_windows(val_idx)
    tx, ty = windows(series, ts, tst)
    for name in names:
        with open(os.path.join(CKPT, f"{name}.json")) as f:
            meta = json.load(f)
        norm = meta.get("norm", "std" if meta.get("normalised", True) else "raw")
        model = build(name)
        model.load_state_dict(torch.load(os.path.join(CKPT, f"{name}.pt")))
        model.eval()
        t0 = time.time()
        xm, _ = model_io(name, vx, vy, norm)
        pred = model_out_to_norm(name, predict(model, xm), norm)
        metrics[name] = dict(
            params=PARAMS[name],
            val_rmse=round(rmse(pred, vy), 6),
            persistence_rmse=round(rmse(pers, vy), 6),
            val_rmse_physical={k: round(v, 8) for k, v in physical_rmse(pred, vy).items()},
            persistence_rmse_physical={k: round(v, 8) for k, v in physical_rmse(pers, vy).items()},
            operating_point_rmse=round(rmse(oppt, vy), 6),
            operating_point_rmse_physical={k: round(v, 8) for k, v in physical_rmse(oppt, vy).items()},
            windows_train=meta["windows_train"],
            windows_val=int(len(vx)),
            epochs=meta["epochs"],
            seconds=meta["seconds"],
            cpu_seconds=meta.get("cpu_seconds"),
            normalised=norm != "raw",
            units=NORM_DOC[norm],
        )
        print(f"{name}: {json.dumps(metrics[name])} (eval {time.time() - t0:.0f}s)", flush=True)
        # The ONNX files and the backend-test data set.
        txm, tym = model_io(name, tx, ty, norm)
        out = predict_float64(model, txm)
        err = float(np.max(np.abs(predict(model, txm) - out)))
        print(f"  float32 PyTorch vs float64 reference: max |diff| {err:.2e}", flush=True)
        d = os.path.join(MODELS_DIR, name)
        xt = torch.from_numpy(txm[:2])
        export_onnx(model, xt, os.path.join(d, "model.onnx"), 17 if name == "stgcn" else 13)
        if name == "stgcn":
            export_onnx(model, xt, os.path.join(HERE, "stgcn_opset13.onnx"), 13)
        write_tensor(os.path.join(d, "test_data_set_0", "input_0.pb"), txm, "x")
        write_tensor(os.path.join(d, "test_data_set_0", "output_0.pb"), out, "y")
        write_tensor(os.path.join(d, "target_0.pb"), tym, "y")
        # ONNX's backend-test convention (onnx/backend/test/loader): a case's
        # data.json overrides rtol/atol. The reference is exact (float64); a
        # float32 evaluation rounds every intermediate tensor, so the absolute
        # tolerance is twice what PyTorch's own float32 run misses it by.
        atol = float(f"{max(1e-7, 2 * err):.2g}")
        with open(os.path.join(d, "data.json"), "w") as f:
            json.dump({"atol": atol, "rtol": 1e-3}, f, sort_keys=True)
            f.write("\n")
    with open(metrics_path, "w") as f:
        json.dump(metrics, f, indent=1, sort_keys=True)
        f.write("\n")


def main(argv):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}", flush=True)
    if len(argv) < 1 or argv[0] not in ("train", "export"):
        print(__doc__)
        return 2
    names = argv[1:]
    overrides = {}
    for a in list(names):
        if "=" in a:  # e.g. steps=100 norm=raw, for quick trials
            k, v = a.split("=", 1)
            overrides[k] = v if k in ("norm", "tag") else (
                float(v) if "." in v or "e" in v else int(v))
            names.remove(a)
    names = names or ["lstm", "cnn", "stgcn"]
    files, phys = load_scenarios()
    series = normalise(phys)  # [S, 1400, 136], normalised units
    train_idx, val_idx = split(len(files))
    print(f"{len(files)} scenarios; validation: {', '.join(files[i] for i in val_idx)}", flush=True)
    if argv[0] == "train":
        for name in names:
            train(name, series, train_idx, val_idx, overrides)
    elif argv[0] == "export":
        export(names, series, train_idx, val_idx)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
