#!/usr/bin/python3
"""Export small PyTorch models to ONNX test cases for kiln's frontend.

Run with Debian's PyTorch and onnx (not a virtualenv's python):

    /usr/bin/python3 frontend/onnx/testdata/torch/make_models.py

For each model and each opset in OPSETS it writes, next to this script,

    <model>_opset<N>/model.onnx
    <model>_opset<N>/test_data_set_0/input_0.pb    (batch 2)
    <model>_opset<N>/test_data_set_0/output_0.pb   (PyTorch's output, eval mode)

in the layout of ONNX's backend tests. Weights and inputs come from fixed seeds, and
the files are byte-identical from run to run. The export is torch.onnx.export's
default form (with constant folding); the graph is not simplified afterwards,
because folding what the exporter leaves is what kiln's tests check.

Each model is checked with onnx.checker (full_check) and strict shape inference, and
run by onnx.reference where it exists (onnx >= 1.13), else by the small numpy
interpreter below; either must agree with PyTorch's stored output.
It prints each exported graph's node op types; README.md records them.
"""

import importlib
import os
import sys

import numpy as np
import onnx
import onnx.checker
import onnx.helper
import onnx.numpy_helper
import onnx.shape_inference
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSETS = (13, 17)
BATCH = 2


class LSTM(nn.Module):
    """The study's LSTMSingleLayerPT, small: LSTM(8 -> 6), Linear(6 -> 3*8)."""

    def __init__(self, n_features=8, hidden=6, fw=3):
        super().__init__()
        self.hidden = hidden
        self.fw = fw
        self.n_features = n_features
        self.lstm_layer = nn.LSTM(input_size=n_features, hidden_size=hidden, batch_first=True)
        self.dense_layer = nn.Linear(hidden, fw * n_features)

    def forward(self, x):
        # Zero initial state built from the input's batch size, as in the study's code;
        # the exporter turns it into a Shape -> Gather -> ... chain.
        h = torch.zeros(1, x.size(0), self.hidden)
        c = torch.zeros(1, x.size(0), self.hidden)
        h, c = self.lstm_layer(x, (h, c))
        y = self.dense_layer(h[:, -1, :])
        return y.reshape(-1, self.fw, self.n_features)


class CNN1D(nn.Module):
    """Conv1d + BatchNorm1d + ReLU + Conv1d + flatten + Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(8, 16, 3, padding=1)
        self.bn = nn.BatchNorm1d(16)
        self.conv2 = nn.Conv1d(16, 4, 3)
        self.fc = nn.Linear(4 * 10, 5)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv1(x)))
        x = self.conv2(x)
        return self.fc(torch.flatten(x, 1))


class CNN2D(nn.Module):
    """Conv2d + BatchNorm2d + ReLU + MaxPool2d + dilated Conv2d + ReLU."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 8, (3, 3), padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 4, (2, 1), dilation=(2, 1))

    def forward(self, x):
        x = self.pool(torch.relu(self.bn(self.conv1(x))))
        return torch.relu(self.conv2(x))


def random_adjacency(n, p, gen):
    """D^-1 (A + I) of a random sparse directed graph; row v averages v's in-neighbours."""
    a = (torch.rand(n, n, generator=gen) < p).float()
    a.fill_diagonal_(0)
    a = a + torch.eye(n)
    return a / a.sum(dim=1, keepdim=True)


class GCN(nn.Module):
    """A small STGCN-like block: temporal conv, ReLU(A.H.W), temporal conv."""

    def __init__(self, n_nodes=10, gen=None):
        super().__init__()
        self.register_buffer("adj", random_adjacency(n_nodes, 0.2, gen))
        self.tconv1 = nn.Conv2d(2, 8, (2, 1))
        self.theta = nn.Linear(8, 8)
        self.tconv2 = nn.Conv2d(8, 2, (3, 1))

    def forward(self, x):  # x: [B, C, T, N]
        x = torch.relu(self.tconv1(x))
        x = x.permute(0, 2, 3, 1)  # [B, T, N, C]
        x = torch.relu(self.theta(torch.matmul(self.adj, x)))
        x = x.permute(0, 3, 1, 2)  # [B, C, T, N]
        return self.tconv2(x)


def set_bn_stats(bn, gen):
    """Give a BatchNorm non-trivial running statistics and affine parameters."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
        bn.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.25)
        bn.weight.copy_(torch.rand(c, generator=gen) + 0.5)
        bn.bias.copy_(torch.randn(c, generator=gen) * 0.2)


def build(name):
    """The model (eval mode) and its batch-BATCH input, from fixed seeds."""
    torch.manual_seed(1234)
    gen = torch.Generator().manual_seed(5678)
    if name == "lstm":
        model, shape = LSTM(), (BATCH, 10, 8)
    elif name == "lstm_study":
        # The study's LSTM at full size (untrained weights): 316,912 parameters,
        # a 1.27 MB model, used by kiln's load-and-fold benchmark.
        model, shape = LSTM(n_features=136, hidden=64, fw=30), (BATCH, 60, 136)
    elif name == "cnn1d":
        model, shape = CNN1D(), (BATCH, 8, 12)
        set_bn_stats(model.bn, gen)
    elif name == "cnn2d":
        model, shape = CNN2D(), (BATCH, 2, 12, 10)
        set_bn_stats(model.bn, gen)
    elif name == "cnn2d_keepbn":
        model, shape = CNN2D(), (BATCH, 2, 12, 10)
        set_bn_stats(model.bn, gen)
    elif name == "gcn":
        model, shape = GCN(gen=gen), (BATCH, 2, 12, 10)
    else:
        raise ValueError(name)
    x = torch.randn(*shape, generator=gen)
    return model.eval(), x


MODELS = ("lstm", "cnn1d", "cnn2d", "cnn2d_keepbn", "gcn", "lstm_study")
# Opsets per model where they differ from OPSETS (the big model once is enough).
MODEL_OPSETS = {"lstm_study": (17,)}

# The exporter's default (TrainingMode.EVAL) fuses each BatchNorm into the Conv before it.
# cnn2d_keepbn is cnn2d exported with TrainingMode.PRESERVE (the model is in eval mode, so
# this still exports inference), which skips that fusion and leaves a BatchNormalization.
TRAINING = {"cnn2d_keepbn": torch.onnx.TrainingMode.PRESERVE}


def normalise(m):
    """Clear the fields that could vary between runs or machines."""
    m.producer_version = torch.__version__.split("+")[0]
    m.doc_string = ""
    m.graph.doc_string = ""
    for n in m.graph.node:
        n.doc_string = ""


# A tiny numpy interpreter of the ops these exports use, so the stored output is checked
# against the ONNX graph's own semantics where onnx.reference is missing (onnx < 1.13).
# It follows the ONNX spec for the attribute values these graphs carry, no further.


def _conv(x, w, b, a):
    k = list(a.get("kernel_shape", w.shape[2:]))
    nd = len(k)
    dil = list(a.get("dilations", [1] * nd))
    st = list(a.get("strides", [1] * nd))
    pads = list(a.get("pads", [0] * 2 * nd))
    assert a.get("group", 1) == 1 and a.get("auto_pad", b"NOTSET") == b"NOTSET"
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + nd]) for i in range(nd)])
    out = [(x.shape[2 + i] - dil[i] * (k[i] - 1) - 1) // st[i] + 1 for i in range(nd)]
    y = np.zeros((x.shape[0], w.shape[0]) + tuple(out), np.float64)
    for tap in np.ndindex(*k):
        sl = tuple(slice(tap[i] * dil[i], tap[i] * dil[i] + (out[i] - 1) * st[i] + 1, st[i])
                   for i in range(nd))
        y += np.einsum("bc...,oc->bo...", x[(slice(None), slice(None)) + sl],
                       w[(slice(None), slice(None)) + tap])
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def _maxpool(x, a):
    k = list(a["kernel_shape"])
    st = list(a.get("strides", [1] * len(k)))
    assert not any(a.get("pads", [0])) and not a.get("ceil_mode", 0)
    assert not any(d != 1 for d in a.get("dilations", [1]))
    out = [(x.shape[2 + i] - k[i]) // st[i] + 1 for i in range(len(k))]
    y = np.full(x.shape[:2] + tuple(out), -np.inf)
    for tap in np.ndindex(*k):
        sl = tuple(slice(tap[i], tap[i] + (out[i] - 1) * st[i] + 1, st[i]) for i in range(len(k)))
        y = np.maximum(y, x[(slice(None), slice(None)) + sl])
    return y


def _lstm(x, w, r, b, seq, h, c, a):
    assert not seq and a.get("direction", b"forward") == b"forward" and "activations" not in a
    n = a["hidden_size"]
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    b = np.zeros(8 * n) if b is None else b[0]
    h = np.zeros((x.shape[1], n)) if h is None else h[0]
    c = np.zeros((x.shape[1], n)) if c is None else c[0]
    ys = []
    for t in range(x.shape[0]):
        z = x[t] @ w[0].T + h @ r[0].T + b[:4 * n] + b[4 * n:]
        i, o, f, g = (z[:, j * n:(j + 1) * n] for j in range(4))
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys)[:, None], h[None], c[None]


def _node(op, ins, a):
    x = ins[0] if ins else None
    if op == "Constant":
        return [onnx.numpy_helper.to_array(a["value"])]
    if op == "Shape":
        return [np.array(x.shape, np.int64)]
    if op == "Gather":
        return [np.take(x, ins[1], axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        return [np.expand_dims(x, tuple(ins[1].tolist()))]
    if op == "Squeeze":
        return [np.squeeze(x, tuple(ins[1].tolist()))]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if op == "ConstantOfShape":
        v = onnx.numpy_helper.to_array(a["value"])
        return [np.full(tuple(x.tolist()), v[0], v.dtype)]
    if op == "Transpose":
        return [np.transpose(x, a["perm"])]
    if op == "Reshape":
        return [x.reshape(tuple(ins[1].tolist()))]
    if op == "Flatten":
        ax = a.get("axis", 1)
        return [x.reshape(int(np.prod(x.shape[:ax])), -1)]
    if op == "Gemm":
        xa = x.T if a.get("transA", 0) else x
        wb = ins[1].T if a.get("transB", 0) else ins[1]
        y = a.get("alpha", 1.0) * xa @ wb
        return [y + a.get("beta", 1.0) * ins[2] if len(ins) > 2 else y]
    if op == "MatMul":
        return [np.matmul(x, ins[1])]
    if op == "Add":
        return [x + ins[1]]
    if op == "Relu":
        return [np.maximum(x, 0)]
    if op == "Conv":
        return [_conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
    if op == "MaxPool":
        return [_maxpool(x, a)]
    if op == "BatchNormalization":
        assert not a.get("training_mode", 0)
        sh = (1, -1) + (1,) * (x.ndim - 2)
        s, bias, mean, var = (v.reshape(sh) for v in ins[1:5])
        return [s * (x - mean) / np.sqrt(var + a.get("epsilon", 1e-5)) + bias]
    if op == "LSTM":
        ins = ins + [None] * (7 - len(ins))
        return list(_lstm(*ins, a))
    raise NotImplementedError(op)


def run_numpy(m, x):
    """Evaluate graph m on input x in float64; returns its first output."""
    env = {i.name: onnx.numpy_helper.to_array(i).astype(np.float64)
           if i.data_type == onnx.TensorProto.FLOAT else onnx.numpy_helper.to_array(i)
           for i in m.graph.initializer}
    env[m.graph.input[0].name] = x.astype(np.float64)
    for n in m.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        ins = [env[i] if i else None for i in n.input]
        while ins and ins[-1] is None:
            ins.pop()
        outs = _node(n.op_type, ins, a)
        for name, v in zip(n.output, outs):
            if name:
                env[name] = v
    return env[m.graph.output[0].name]


def export(name, opset):
    model, x = build(name)
    with torch.no_grad():
        y = model(x)
    case = os.path.join(HERE, f"{name}_opset{opset}")
    data = os.path.join(case, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(case, "model.onnx")
    torch.onnx.export(
        model,
        x,
        path,
        opset_version=opset,
        input_names=["x"],
        output_names=["y"],
        dynamic_axes={"x": {0: "batch_size"}, "y": {0: "batch_size"}},
        do_constant_folding=True,
        training=TRAINING.get(name, torch.onnx.TrainingMode.EVAL),
    )
    m = onnx.load(path)
    normalise(m)
    onnx.checker.check_model(m, full_check=True)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    for fname, t in (("input_0.pb", x), ("output_0.pb", y)):
        arr = np.ascontiguousarray(t.detach().numpy())
        name_ = "x" if fname.startswith("input") else "y"
        with open(os.path.join(data, fname), "wb") as f:
            f.write(onnx.numpy_helper.from_array(arr, name_).SerializeToString())
    try:
        reference = importlib.import_module("onnx.reference")  # onnx >= 1.13
        got = reference.ReferenceEvaluator(m).run(None, {"x": x.numpy()})[0]
        np.testing.assert_allclose(got, y.numpy(), rtol=1e-4, atol=1e-5)
        checked = "onnx.reference agrees"
    except ImportError:
        got = run_numpy(m, x.numpy())
        np.testing.assert_allclose(got, y.numpy(), rtol=1e-5, atol=1e-6)
        err = float(np.max(np.abs(got - y.numpy().astype(np.float64))))
        checked = "numpy interpreter agrees (max |diff| %.1e)" % err
    ops = [n.op_type for n in m.graph.node]
    print(f"{name}_opset{opset}: in {list(x.shape)} out {list(y.shape)}; {checked}")
    print("  nodes (%d): %s" % (len(ops), " ".join(ops)))
    print("  initializers: %s" % ", ".join(
        "%s%s" % (i.name, list(i.dims)) for i in m.graph.initializer))


def main():
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}")
    for name in MODELS:
        for opset in MODEL_OPSETS.get(name, OPSETS):
            export(name, opset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
