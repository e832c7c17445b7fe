#!/usr/bin/env python3
"""Golden forward outputs and gradients from PyTorch for the dvhpc NN engine.

Run:  /usr/bin/python3 tests/nn/make_golden.py   (needs python3-torch; CI does not:
the files written to tests/nn/golden/ are committed and read by tests/nn/*_test.cpp).

Every case uses small seeded inputs. Gradients are those of L = sum(y * g) for a
fixed random g (written as "g"), or of the mean softmax cross-entropy for the
models. File format (little-endian), repeated records until end of file:
  uint32 name_len, name bytes, uint32 rank, int64 dims[rank], float32 data[prod(dims)]
Parameter names follow dvhpc's (e.g. "lstm.l0.w_ih" = stack of PyTorch's
weight_ih_l0 and weight_ih_l0_reverse; "lstm.l0.bias" = b_ih + b_hh).
"""
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
torch.set_default_dtype(torch.float32)


def write(name, records):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        for key, t in records.items():
            t = t.detach().contiguous().float().cpu()
            kb = key.encode()
            f.write(struct.pack("<I", len(kb)) + kb)
            f.write(struct.pack("<I", t.dim()))
            for d in t.shape:
                f.write(struct.pack("<q", d))
            f.write(t.numpy().astype("<f4").tobytes())


def surrogate(y, seed):
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
    (y * g).sum().backward()
    return g


def conv_cases():
    torch.manual_seed(1)
    for name, (cin, cout, k, s, p, bias, shape) in {
        "conv2d_s2_bias": (3, 4, 3, 2, 1, True, (2, 3, 7, 8)),
        "conv2d_1x1_nobias": (5, 6, 1, 1, 0, False, (2, 5, 4, 3)),
    }.items():
        conv = nn.Conv2d(cin, cout, k, stride=s, padding=p, bias=bias)
        x = torch.randn(shape, requires_grad=True)
        y = conv(x)
        g = surrogate(y, 11)
        rec = {"x": x, "weight": conv.weight, "y": y, "g": g, "dx": x.grad, "dweight": conv.weight.grad}
        if bias:
            rec.update({"bias": conv.bias, "dbias": conv.bias.grad})
        write(name, rec)


def batchnorm_case():
    torch.manual_seed(2)
    bn = nn.BatchNorm2d(4, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(4) + 0.5)
        bn.bias.copy_(torch.randn(4))
    x = (torch.randn(3, 4, 5, 6) * 2 + 1).requires_grad_(True)
    gamma, beta = bn.weight.detach().clone(), bn.bias.detach().clone()
    y = bn(x)
    g = surrogate(y, 12)
    bn.eval()
    y_eval = bn(x)
    write("batchnorm", {"x": x, "gamma": gamma, "beta": beta, "y": y, "g": g, "dx": x.grad,
                        "dgamma": bn.weight.grad, "dbeta": bn.bias.grad,
                        "running_mean": bn.running_mean, "running_var": bn.running_var, "y_eval": y_eval})


def relu_pool_cases():
    torch.manual_seed(3)
    x = torch.randn(2, 3, 4, 5).requires_grad_(True)
    y = F.relu(x)
    g = surrogate(y, 13)
    write("relu", {"x": x, "y": y, "g": g, "dx": x.grad})

    x = torch.randn(2, 3, 6, 7).requires_grad_(True)
    y = F.max_pool2d(x, 2, 2)
    g = surrogate(y, 14)
    write("maxpool_k2s2", {"x": x, "y": y, "g": g, "dx": x.grad})

    x = torch.randn(2, 3, 6, 7).requires_grad_(True)
    y = F.avg_pool2d(x, 3, 2, padding=1)  # count_include_pad=True
    g = surrogate(y, 15)
    write("avgpool_k3s2p1", {"x": x, "y": y, "g": g, "dx": x.grad})

    x = torch.randn(2, 3, 5, 6).requires_grad_(True)
    y = x.mean(dim=(2, 3))
    g = surrogate(y, 16)
    write("global_avgpool", {"x": x, "y": y, "g": g, "dx": x.grad})


def dense_case():
    torch.manual_seed(4)
    fc = nn.Linear(10, 5)
    x = torch.randn(4, 10, requires_grad=True)
    y = fc(x)
    g = surrogate(y, 17)
    write("dense", {"x": x, "weight": fc.weight, "bias": fc.bias, "y": y, "g": g, "dx": x.grad,
                    "dweight": fc.weight.grad, "dbias": fc.bias.grad})


def lstm_records(lstm, prefix, grads):
    """dvhpc's names and layouts for a torch LSTM's parameters (or their grads)."""
    rec = {}
    dirs = ["", "_reverse"] if lstm.bidirectional else [""]
    for l in range(lstm.num_layers):
        def get(n):
            ts = [getattr(lstm, f"{n}_l{l}{d}") for d in dirs]
            return torch.stack([t.grad if grads else t for t in ts])
        rec[f"{prefix}.l{l}.w_ih"] = get("weight_ih")
        rec[f"{prefix}.l{l}.w_hh"] = get("weight_hh")
        # b_ih and b_hh enter the gates as a sum: one value, one (shared) gradient.
        rec[f"{prefix}.l{l}.bias"] = get("bias_ih") if grads else get("bias_ih") + get("bias_hh")
    return rec


def lstm_case():
    torch.manual_seed(5)
    lstm = nn.LSTM(5, 4, num_layers=2, batch_first=True, bidirectional=True)
    x = torch.randn(3, 6, 5, requires_grad=True)
    y, _ = lstm(x)
    g = surrogate(y, 18)
    rec = {"x": x, "y": y, "g": g, "dx": x.grad}
    rec.update(lstm_records(lstm, "lstm", False))
    rec.update({"d" + k: v for k, v in lstm_records(lstm, "lstm", True).items()})
    write("lstm_bi2", rec)


def softmax_ce_case():
    torch.manual_seed(6)
    logits = torch.randn(5, 3, requires_grad=True)
    labels = torch.tensor([0, 2, 1, 1, 0])
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    write("softmax_ce", {"logits": logits, "labels": labels.float(), "loss": loss.reshape(1),
                         "probs": F.softmax(logits, 1), "dlogits": logits.grad})


def optimizer_cases():
    torch.manual_seed(7)
    w0 = torch.randn(10)
    grads = [torch.randn(10) for _ in range(3)]
    for name, make in {"sgd": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01),
                       "adam": lambda p: torch.optim.Adam([p], lr=0.05, betas=(0.9, 0.999), eps=1e-8,
                                                          weight_decay=0.01)}.items():
        p = w0.clone().requires_grad_(True)
        opt = make(p)
        for gr in grads:
            p.grad = gr.clone()
            opt.step()
        rec = {"w0": w0, "w3": p}
        rec.update({f"g{i}": gr for i, gr in enumerate(grads)})
        write("optim_" + name, rec)


class PileupRnn(nn.Module):
    """Mirror of dvhpc::nn::make_pileup_rnn (dropout p=0 so outputs are deterministic)."""

    def __init__(self, positions, channels, hidden, fc, classes):
        super().__init__()
        self.lstm = nn.LSTM(channels, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.fc1 = nn.Linear(positions * 2 * hidden, fc)
        self.genotype = nn.Linear(fc, classes)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.genotype(F.relu(self.fc1(y.flatten(1))))


def rnn_model_case():
    torch.manual_seed(8)
    m = PileupRnn(positions=7, channels=18, hidden=8, fc=16, classes=3)
    x = torch.randn(4, 7, 18, requires_grad=True)
    labels = torch.tensor([0, 1, 2, 1])
    logits = m(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    rec = {"x": x, "labels": labels.float(), "logits": logits, "loss": loss.reshape(1), "dx": x.grad}
    for grads in (False, True):
        pre = "grad:" if grads else "param:"
        for k, v in lstm_records(m.lstm, "lstm", grads).items():
            rec[pre + k] = v
        for lin in ("fc1", "genotype"):
            for pn in ("weight", "bias"):
                t = getattr(getattr(m, lin), pn)
                rec[f"{pre}{lin}.{pn}"] = t.grad if grads else t
    write("model_rnn", rec)


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = nn.Conv2d(cin, cout, 1, 2, 0, bias=False)
        self.proj_bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(main + self.proj_bn(self.proj(x)))


class PileupCnn(nn.Module):
    """Mirror of dvhpc::nn::make_pileup_cnn."""

    def __init__(self, channels, stem, widths, classes):
        super().__init__()
        self.stem_conv = nn.Conv2d(channels, stem, 3, 2, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(stem)
        blocks, cin = [], stem
        for w in widths:
            blocks.append(Block(cin, w))
            cin = w
        self.blocks = nn.ModuleList(blocks)
        self.genotype = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem_conv(x)))
        for b in self.blocks:
            x = b(x)
        return self.genotype(x.mean(dim=(2, 3)))

    def dvhpc_named(self):
        """(dvhpc name, tensor) for every parameter and buffer."""
        out = [("stem.conv.weight", self.stem_conv.weight)]
        out += [(f"stem.bn.{n}", getattr(self.stem_bn, n)) for n in ("weight", "bias", "running_mean", "running_var")]
        for i, b in enumerate(self.blocks):
            for mod in ("conv1", "conv2", "proj"):
                out.append((f"block{i + 1}.{mod}.weight", getattr(b, mod).weight))
            for mod in ("bn1", "bn2", "proj_bn"):
                out += [(f"block{i + 1}.{mod}.{n}", getattr(getattr(b, mod), n))
                        for n in ("weight", "bias", "running_mean", "running_var")]
        out += [("genotype.weight", self.genotype.weight), ("genotype.bias", self.genotype.bias)]
        return out


def cnn_model_case():
    torch.manual_seed(9)
    m = PileupCnn(channels=7, stem=8, widths=[8, 12, 16], classes=3)
    with torch.no_grad():  # non-trivial batch-norm affine parameters
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.normal_(0, 0.2)
    rec = {}
    for n, t in m.dvhpc_named():  # parameters and buffers before training
        rec["param:" + n] = t.detach().clone()
    x = torch.randn(3, 7, 20, 24, requires_grad=True)
    labels = torch.tensor([2, 0, 1])
    logits = m(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    rec.update({"x": x, "labels": labels.float(), "logits": logits, "loss": loss.reshape(1), "dx": x.grad})
    for n, t in m.dvhpc_named():
        if t.requires_grad:
            rec["grad:" + n] = t.grad
        else:
            rec["after:" + n] = t  # running statistics after the training forward
    m.eval()
    rec["logits_eval"] = m(x)
    write("model_cnn", rec)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    conv_cases()
    batchnorm_case()
    relu_pool_cases()
    dense_case()
    lstm_case()
    softmax_ce_case()
    optimizer_cases()
    rnn_model_case()
    cnn_model_case()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}")
